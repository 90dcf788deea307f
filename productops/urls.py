from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from digest import roadmap_views as digest_roadmap_views
from productops import views

handler403 = "productops.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/no-role/", views.no_role, name="no-role"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("feedback/", include("feedback.urls")),
    path("reports/", include("reports.urls")),
    path("readiness/", include("readiness.urls")),
    path("digest/", include("digest.urls")),
    path("roadmap/", digest_roadmap_views.roadmap, name="roadmap"),
    path("audits/", include("audits.urls")),
    path("integrations/", include("integrations.urls")),
    path("api/v1/", include("productops.api_urls")),
]
