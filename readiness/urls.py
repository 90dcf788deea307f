from __future__ import annotations

from django.urls import path

from readiness import area_views, template_views, views

app_name = "readiness"
urlpatterns = [
    path("", views.index, name="index"),
    path("releases/new/", views.release_form, name="release-new"),
    path("releases/<int:pk>/", views.release_detail, name="release"),
    path("releases/<int:pk>/edit/", views.release_form, name="release-edit"),
    path("releases/<int:pk>/open/", views.checklist_open, name="checklist-open"),
    path("releases/<int:pk>/kit/", views.kit, name="kit"),
    path("releases/<int:pk>/kit/accounts.csv", views.kit_accounts_csv, name="kit-accounts-csv"),
    path("releases/<int:pk>/accounts/", views.release_accounts, name="release-accounts"),
    path("items/<int:pk>/tick/", views.item_tick, name="item-tick"),
    path("items/<int:pk>/untick/", views.item_untick, name="item-untick"),
    path("faq/<int:pk>/delete/", views.faq_delete, name="faq-delete"),
    path("areas/", area_views.areas_index, name="areas"),
    path("areas/<int:pk>/", area_views.area_edit, name="area-edit"),
    path("areas/<int:pk>/delete/", area_views.area_delete, name="area-delete"),
    path("templates/", template_views.templates_index, name="templates"),
    path("templates/items/<int:pk>/", template_views.template_item_edit, name="template-item"),
    path(
        "templates/items/<int:pk>/delete/", template_views.template_item_delete, name="template-item-delete"
    ),
]
