from __future__ import annotations

from django.urls import path, register_converter

from digest import editor_views, views


class PeriodConverter:
    """yyyy-ww (ISO week). The view still checks the week exists in that year."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "period")

app_name = "digest"
urlpatterns = [
    path("", views.index, name="index"),
    path("archive/", views.archive, name="archive"),
    path("subscription/", views.subscription, name="subscription"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/", editor_views.manage, name="manage"),
    path("draft-now/", editor_views.draft_now, name="draft-now"),
    path("<period:period>/", views.period, name="period"),
    path("<period:period>/edit/", editor_views.edit, name="edit"),
    path("<period:period>/preview/", editor_views.preview, name="preview"),
    path("<period:period>/publish/", editor_views.publish, name="publish"),
]
