from __future__ import annotations

from django.urls import path

from reports import views
from reports.views import summary as summary_views
from reports.views import trends as trend_views

app_name = "reports"
urlpatterns = [
    path("", trend_views.landing, name="index"),
    path("volume/", views.reports, name="volume"),
    path("trends/", trend_views.trends, name="trends"),
    path("trends/clusters/theme/", trend_views.cluster_create_theme, name="cluster-theme"),
    path("summaries/", summary_views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summary"),
]
