from __future__ import annotations

from django.urls import path

from feedback import api

urlpatterns = [path("accounts/", api.AccountList.as_view(), name="api-accounts")]
