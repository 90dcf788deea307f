from __future__ import annotations

from django.urls import path

from reports import trends_api

urlpatterns = [
    path("reports/trends/", trends_api.TrendReportView.as_view(), name="api-reports-trends"),
]
