from __future__ import annotations

from django.urls import path

from reports import views
from reports.views import summary as summary_views
from reports.views import trends as trend_views

app_name = "reports"
urlpatterns = [path("", trend_views.landing, name="index")]

# Strategic Insight report and the cross-functional review (issue 12).
urlpatterns += [
    path("insight/", views.insight_page, name="insight"),
    path("insight/export.csv", views.insight_csv, name="insight-csv"),
    path("insight/save/", views.insight_save, name="insight-save"),
    path("insight/saved/<int:pk>/", views.insight_saved, name="insight-saved"),
    path("insight/saved/<int:pk>/export.csv", views.insight_saved_csv, name="insight-saved-csv"),
    path("insight/deals/", views.insight_deals, name="insight-deals"),
    path("insight/detractors/", views.insight_detractors, name="insight-detractors"),
    path("review/", views.review_list, name="reviews"),
    path("review/<int:pk>/", views.review_detail, name="review"),
    path("review/<int:pk>/decide/", views.review_decide, name="review-decide"),
]

# Trend reports, the CPO overview and the weekly CPO summary (issue 13). The weekly volume chart moves under volume/.
urlpatterns += [
    path("volume/", views.reports, name="volume"),
    path("trends/", trend_views.trends, name="trends"),
    path("trends/clusters/theme/", trend_views.cluster_create_theme, name="cluster-theme"),
    path("summaries/", summary_views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summary"),
]
