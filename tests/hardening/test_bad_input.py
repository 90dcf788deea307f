"""Defect 6: out-of-range dates and non-numeric or huge ids are a 400 or a form error, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from feedback.models import Theme
from productops.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["end=9999-12-31", "start=0001-01-01", "start=10000-01-01", "account=" + "9" * 25]
)
@pytest.mark.parametrize("url", ["/feedback/", "/feedback/export.csv", "/api/v1/feedback/items/"])
def test_filters_out_of_range_are_a_400_naming_the_field(client_for, url, query):
    client = client_for(Role.PM)
    client.raise_request_exception = False
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400, response.status_code
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    assert query.split("=")[0].encode() in body


def test_csv_export_of_a_valid_cut_still_streams(client_for):
    response = client_for(Role.PM).get("/feedback/export.csv?start=2026-01-01")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).startswith(b"id,occurred_at")


@pytest.mark.parametrize("theme", ["abc", "9" * 25, "", "1e3"])
def test_bulk_tag_with_a_bad_theme_id_is_a_404(client_for, theme):
    client = client_for(Role.PM)
    client.raise_request_exception = False
    assert (
        client.post("/feedback/items/tag/", {"theme": theme, "item": ["1", "9" * 30, "x"]}).status_code == 404
    )


def test_bulk_tag_ignores_item_ids_that_cannot_exist(client_for):
    theme = Theme.objects.create(name="Exports", slug="exports")
    client = client_for(Role.PM)
    response = client.post("/feedback/items/tag/", {"theme": theme.pk, "item": ["9" * 30, "-1", "abc"]})
    assert response.status_code == 302


@pytest.mark.parametrize("template", ["abc", "9" * 25, ""])
def test_template_item_with_a_bad_template_id_is_a_404(client_for, template):
    client = client_for(Role.PRODUCT_OPS)
    client.raise_request_exception = False
    response = client.post("/readiness/templates/", {"template": template, "title": "x", "category": "validation",
                                                      "owner_role": "PM", "due_offset_days": "3"})  # fmt: skip
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/feedback/accounts/{}/", "/feedback/themes/{}/", "/readiness/releases/{}/",
                                  "/api/v1/accounts/{}/", "/api/v1/releases/{}/", "/api/v1/checklist-items/{}/"])  # fmt: skip
def test_huge_ids_in_paths_are_404(client_for, path):
    client = client_for(Role.PRODUCT_OPS)
    client.raise_request_exception = False
    assert client.get(path.format("9" * 25)).status_code == 404


def test_a_nul_in_any_form_field_or_query_is_a_400_not_a_500(make_user):
    from datetime import date

    from readiness.models import Release

    pm = make_user("pm", Role.PM)
    release = Release.objects.create(name="R", launch_date=date(2026, 5, 1), pm_owner=pm)
    client = Client(raise_request_exception=False)
    client.force_login(pm)
    response = client.post(f"/readiness/releases/{release.pk}/accounts/", {"action": "add", "name": "a\x00b"})
    assert response.status_code == 400 and "null characters are not allowed" in response.content.decode()
    assert client.get("/feedback/?q=a%00b").status_code == 400
