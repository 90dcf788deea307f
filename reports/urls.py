from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [path("", views.reports, name="index")]

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
