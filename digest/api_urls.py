from __future__ import annotations

from django.urls import path

from digest import api

urlpatterns = [
    path("digests/", api.DigestListView.as_view(), name="api-digests"),
    path("digests/latest/", api.DigestLatestView.as_view(), name="api-digest-latest"),
    path("digests/<str:period>/", api.DigestDetailView.as_view(), name="api-digest"),
    path("digest-subscription/", api.SubscriptionView.as_view(), name="api-digest-subscription"),
    path("roadmap/", api.RoadmapView.as_view(), name="api-roadmap"),
]
