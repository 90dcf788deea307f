from __future__ import annotations

import pytest

from digest import services
from digest.models import DigestSubscription
from tests.digest.conftest import TODAY, VERBATIM, client_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, people):
    return services.digest_publish(
        digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False
    )


def test_list_detail_and_latest_give_the_frozen_content(published, people, world):
    client = client_for_user(people["pm"])
    listing = client.get("/api/v1/digests/").json()
    assert listing["count"] == 1 and listing["results"][0]["period"] == "2026-10"
    detail = client.get("/api/v1/digests/2026-10/").json()
    assert client.get("/api/v1/digests/latest/").json() == detail
    soon = next(s for s in detail["sections"] if s["section"] == "shipping_soon")["entries"][0]
    assert soon["release_id"] == world["soon"].pk and soon["data"]["name"] == "Reporting 2.0"
    assert soon["data"]["verbatims"][0]["text"] == VERBATIM


def test_sales_gets_no_verbatims_and_its_own_accounts(published, people):
    detail = client_for_user(people["sales"]).get("/api/v1/digests/2026-10/").json()
    assert VERBATIM not in str(detail)
    soon = next(s for s in detail["sections"] if s["section"] == "shipping_soon")["entries"][0]
    assert "verbatims" not in soon["data"] and soon["your_accounts"] == ["Globex"]


def test_unknown_periods_and_drafts_are_404(published, people):
    client = client_for_user(people["sales"])
    assert client.get("/api/v1/digests/2026-99/").status_code == 404
    assert "period" in client.get("/api/v1/digests/nonsense/").json()["detail"]
    services.digest_draft(today=TODAY)
    assert client.get("/api/v1/digests/2026-11/").status_code == 404


def test_latest_is_404_before_anything_is_published(people):
    assert client_for_user(people["sales"]).get("/api/v1/digests/latest/").status_code == 404


def test_anonymous_api_calls_are_refused(published, client):
    assert client.get("/api/v1/digests/").status_code == 401
    assert client.get("/api/v1/roadmap/").status_code == 401


def test_own_subscription_read_and_update(people, areas):
    client = client_for_user(people["sales"])
    assert client.get("/api/v1/digest-subscription/").json() == {"active": False, "product_areas": []}
    response = client.put(
        "/api/v1/digest-subscription/",
        {"active": True, "product_areas": ["mobile"]},
        content_type="application/json",
    )
    assert response.json() == {"active": True, "product_areas": ["mobile"]}
    assert client.patch(
        "/api/v1/digest-subscription/", {"active": False}, content_type="application/json"
    ).json() == {
        "active": False,
        "product_areas": ["mobile"],
    }
    bad = client.patch(
        "/api/v1/digest-subscription/", {"product_areas": ["nope"]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "product_areas" in bad.json()
    bad = client.put("/api/v1/digest-subscription/", {"active": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and "active" in bad.json()
    assert DigestSubscription.objects.get(user=people["sales"]).active is False


def test_roadmap_api(world, people):
    client = client_for_user(people["sales"])
    data = client.get("/api/v1/roadmap/").json()
    reporting = next(a for a in data["areas"] if a["area"] and a["area"]["slug"] == "reporting")
    (card,) = reporting["columns"]["now"]
    assert card["name"] == "Reporting 2.0" and card["touches_my_accounts"] == 1
    assert card["themes"][0]["name"] == "Reporting"
    mine = client.get("/api/v1/roadmap/?mine=true").json()
    assert [c["name"] for a in mine["areas"] for col in a["columns"].values() for c in col] == [
        "Reporting 2.0"
    ]
    bad = client.get("/api/v1/roadmap/?area=nope")
    assert bad.status_code == 400 and "area" in bad.json()
