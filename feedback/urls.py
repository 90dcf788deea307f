from __future__ import annotations

from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [path("", views.overview, name="overview")]
