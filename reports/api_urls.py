from __future__ import annotations

from django.urls import path

from reports import insight_api, review_api, trends_api

urlpatterns = [
    path("reports/insight/", insight_api.InsightReportView.as_view(), name="api-insight"),
    path(
        "reports/insight/saved/<int:pk>/",
        insight_api.SavedInsightReportView.as_view(),
        name="api-insight-saved",
    ),
    path("reports/decisions/", review_api.DecisionList.as_view(), name="api-decisions"),
    path("reports/trends/", trends_api.TrendReportView.as_view(), name="api-reports-trends"),
]
