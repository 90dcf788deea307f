from __future__ import annotations

from django.urls import path

from feedback import api

urlpatterns = [
    path("accounts/", api.AccountList.as_view(), name="api-accounts"),
    path("accounts/<int:pk>/", api.AccountDetail.as_view(), name="api-account"),
    path("feedback/items/", api.FeedbackItemList.as_view(), name="api-feedback-items"),
    path("feedback/items/<int:pk>/", api.FeedbackItemDetail.as_view(), name="api-feedback-item"),
    path("feedback/themes/", api.ThemeList.as_view(), name="api-themes"),
    path("feedback/themes/<int:pk>/", api.ThemeDetail.as_view(), name="api-theme"),
    path("feedback/themes/<int:pk>/tag/", api.ThemeTag.as_view(), name="api-theme-tag"),
    path("feedback/themes/<int:pk>/untag/", api.ThemeTag.as_view(untag=True), name="api-theme-untag"),
    path("feedback/themes/<int:pk>/merge/", api.ThemeMerge.as_view(), name="api-theme-merge"),
]
