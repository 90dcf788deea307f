from __future__ import annotations

from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [path("", views.index, name="index")]
