from __future__ import annotations

from django.urls import path

from integrations.api import NpsWebhook

urlpatterns = [path("ingest/nps/", NpsWebhook.as_view(), name="api-ingest-nps")]
