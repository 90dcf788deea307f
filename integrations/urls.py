from __future__ import annotations

from django.urls import path

from integrations import views

app_name = "integrations"
urlpatterns = [
    path("", views.index, name="index"),
    path("sync/<str:vendor>/", views.sync, name="sync"),
    path("connections/<int:pk>/retry/", views.retry_rejects, name="retry"),
    path("upload/", views.upload, name="upload"),
    path("blockers/map/", views.map_blocker, name="map_blocker"),
]
