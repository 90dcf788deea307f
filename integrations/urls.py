from __future__ import annotations

from django.urls import path

from integrations import views

app_name = "integrations"
urlpatterns = [path("", views.index, name="index")]
