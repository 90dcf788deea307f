from __future__ import annotations

import pytest

from readiness.models import ProductArea
from tests.digest.conftest import client_for_user

pytestmark = pytest.mark.django_db


def test_product_ops_adds_renames_and_deletes_areas(people):
    ops = client_for_user(people["ops"])
    assert ops.post("/readiness/areas/", {"name": "Billing", "position": "3"}).status_code == 302
    area = ProductArea.objects.get(name="Billing")
    assert area.slug == "billing"
    duplicate = ops.post("/readiness/areas/", {"name": "billing", "position": "1"})
    assert duplicate.status_code == 400 and "already a product area" in duplicate.content.decode()
    assert (
        ops.post(f"/readiness/areas/{area.pk}/", {"name": "Billing & plans", "position": "3"}).status_code
        == 302
    )
    assert ops.post(f"/readiness/areas/{area.pk}/delete/").status_code == 302
    assert not ProductArea.objects.filter(pk=area.pk).exists()


def test_an_area_in_use_is_not_deleted(world, people, areas):
    response = client_for_user(people["ops"]).post(
        f"/readiness/areas/{areas['reporting'].pk}/delete/", follow=True
    )
    assert "is used by 2 releases" in response.content.decode()
    assert ProductArea.objects.filter(pk=areas["reporting"].pk).exists()


@pytest.mark.parametrize("role", ["pm", "csm", "sales", "cpo"])
def test_other_roles_read_the_list_but_do_not_manage_it(people, areas, role):
    client = client_for_user(people[role])
    assert "Reporting" in client.get("/readiness/areas/").content.decode()
    assert client.post("/readiness/areas/", {"name": "X", "position": "0"}).status_code == 403
    assert client.post(f"/readiness/areas/{areas['mobile'].pk}/delete/").status_code == 403


def test_a_release_has_one_area_through_the_form_and_the_api(people, areas):
    pm = client_for_user(people["pm"])
    response = pm.post(
        "/api/v1/releases/",
        {
            "name": "Area release",
            "launch_date": "2026-05-01",
            "tier": "minor",
            "pm_owner": "pm1",
            "product_area": "mobile",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["product_area"] == "mobile"
    bad = pm.post(
        "/api/v1/releases/",
        {
            "name": "Bad",
            "launch_date": "2026-05-01",
            "tier": "minor",
            "pm_owner": "pm1",
            "product_area": "nope",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "product_area" in bad.json()
    assert "product_area" in pm.get("/readiness/releases/new/").content.decode()
