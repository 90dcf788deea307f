from __future__ import annotations

from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export"),
    path("log/", views.log_feedback, name="log"),
    path("items/tag/", views.bulk_tag, name="bulk-tag"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme-merge"),
    path("themes/<int:pk>/move/", views.theme_move_items, name="theme-move"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
]
