from __future__ import annotations

from django.urls import path

from integrations.api import NpsWebhook, SyncRunList

urlpatterns = [
    path("ingest/nps/", NpsWebhook.as_view(), name="api-ingest-nps"),
    path("integrations/runs/", SyncRunList.as_view(), name="api-integration-runs"),
]
