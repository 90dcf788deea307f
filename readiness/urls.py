from __future__ import annotations

from django.urls import path

from readiness import views

app_name = "readiness"
urlpatterns = [path("", views.index, name="index")]
