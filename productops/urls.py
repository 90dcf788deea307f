from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from digest import roadmap_views as digest_roadmap_views
from productops import api_docs, api_tokens, views

handler403 = "productops.views.permission_denied"
handler404 = "productops.views.page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/no-role/", views.no_role, name="no-role"),
    path("accounts/whoami/", views.whoami, name="whoami"),
    path("accounts/api-tokens/", api_tokens.api_tokens, name="api-tokens"),
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
    path("api/schema/", api_docs.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
