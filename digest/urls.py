from __future__ import annotations

from django.urls import path

from digest import views

app_name = "digest"
urlpatterns = [path("", views.index, name="index")]
