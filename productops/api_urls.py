"""Every app's API under /api/v1/. Each app keeps its endpoints in its own api_urls.py."""

from __future__ import annotations

from django.urls import include, path

from productops.api import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("feedback.api_urls")),
    path("", include("readiness.api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("digest.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("audits.api_urls")),
]
