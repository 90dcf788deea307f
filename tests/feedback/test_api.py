"""The feedback API: same filters as the pages, manual feedback, theme CRUD/tag/merge, accounts; roles; 400s."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackItem, FeedbackTheme, Theme
from productops.roles import Role

ITEMS = "/api/v1/feedback/items/"
THEMES = "/api/v1/feedback/themes/"


def test_item_list_uses_the_dashboard_filters(store, client_for):
    client = client_for(Role.PM)
    data = client.get(ITEMS, {"segment": ["churn_risk"], "source": "nps"}).json()
    assert data["count"] == 1 and data["results"][0]["external_id"] == "a2"
    assert data["results"][0]["themes"] == [
        {"id": store.themes["reporting"].pk, "name": "Reporting", "origin": "rule"}
    ]
    assert client.get(ITEMS, {"q": "reporting", "limit": 2}).json()["count"] == 3


def test_bad_filter_is_a_400_naming_the_field(store, client_for):
    response = client_for(Role.PM).get(ITEMS, {"segment": "vip", "start": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()) == {"segment", "start"}


def test_item_detail(store, client_for):
    item = store.items["i1"]
    body = client_for(Role.CSM).get(f"{ITEMS}{item.pk}/").json()
    assert body["title"] == "Security review" and body["account_name"] == "Initech"


def test_sales_logs_manual_feedback_on_a_customers_behalf(store, client_for):
    client = client_for(Role.SALES)
    account = store.accounts["initech"]
    response = client.post(
        ITEMS,
        {
            "account": account.pk,
            "title": "Needs SCIM",
            "body": "They need SCIM with SSO.",
            "opportunity": store.deals["initech"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    item = FeedbackItem.objects.get(pk=response.json()["id"])
    assert (item.source, item.kind, item.logged_by.username) == ("manual", "manual", "user-sales")
    assert item.segment_snapshot == ["prospect", "high_priority_deal", "arr_smb"]
    assert client.get(ITEMS).status_code == 403  # Sales logs feedback but does not browse it


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "body": "y"}, "account"),
        ({"account": 999999, "title": "x", "body": "y"}, "account"),
        ({"account": "ACME", "title": "", "body": "y"}, "title"),
        ({"account": "ACME", "title": "x", "body": "y", "occurred_at": "soon"}, "occurred_at"),
        ({"account": "ACME", "title": "x", "body": "y", "opportunity": "INITECH_DEAL"}, "opportunity"),
    ],
)
def test_bad_manual_feedback_names_the_field(store, client_for, payload, field):
    payload = {
        key: store.accounts["acme"].pk
        if value == "ACME"
        else (store.deals["initech"].pk if value == "INITECH_DEAL" else value)
        for key, value in payload.items()
    }
    response = client_for(Role.CSM).post(ITEMS, payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_theme_crud_tag_untag_and_merge(store, client_for):
    client = client_for(Role.PM)
    created = client.post(
        THEMES, {"name": "Mobile app", "keywords": ["iOS ", "android"]}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    theme_id = created.json()["id"]
    assert created.json()["keywords"] == ["ios", "android"]
    assert client.post(THEMES, {"name": "Mobile app"}, content_type="application/json").json().keys() == {
        "name"
    }
    patched = client.patch(f"{THEMES}{theme_id}/", {"status": "planned"}, content_type="application/json")
    assert patched.json()["status"] == "planned"
    ids = sorted(store.ids("g2", "u2"))
    assert (
        client.post(f"{THEMES}{theme_id}/tag/", {"items": ids}, content_type="application/json").json()[
            "changed"
        ]
        == 2
    )
    assert (
        client.post(f"{THEMES}{theme_id}/untag/", {"items": ids[:1]}, content_type="application/json").json()[
            "changed"
        ]
        == 1
    )
    assert (
        client.post(f"{THEMES}{theme_id}/tag/", {"items": []}, content_type="application/json").status_code
        == 400
    )
    merged = client.post(
        f"{THEMES}{store.themes['sso'].pk}/merge/", {"merged": theme_id}, content_type="application/json"
    )
    assert merged.status_code == 200
    assert Theme.objects.get(pk=theme_id).merged_into_id == store.themes["sso"].pk
    assert FeedbackTheme.objects.filter(theme=store.themes["sso"], item_id__in=ids).count() == 2
    self_merge = client.post(
        f"{THEMES}{store.themes['sso'].pk}/merge/",
        {"merged": store.themes["sso"].pk},
        content_type="application/json",
    )
    assert self_merge.status_code == 400 and "merged" in self_merge.json()


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.PM, 200, 201),
        (Role.PRODUCT_OPS, 200, 201),
        (Role.CPO, 200, 403),
        (Role.CSM, 200, 403),
        (Role.SALES, 403, 403),
    ],
)
def test_theme_api_roles(store, client_for, role, read, write):
    client = client_for(role)
    assert client.get(THEMES).status_code == read
    assert client.post(THEMES, {"name": f"T {role}"}, content_type="application/json").status_code == write
    tag = client.post(
        f"{THEMES}{store.themes['sso'].pk}/tag/",
        {"items": [store.items["g2"].pk]},
        content_type="application/json",
    )
    assert tag.status_code == (200 if write == 201 else 403)


def test_account_detail_has_segments_and_open_deals(store, client_for):
    body = client_for(Role.CPO).get(f"/api/v1/accounts/{store.accounts['acme'].pk}/").json()
    assert body["segments"] == ["customer", "churn_risk", "high_priority_deal", "arr_enterprise"]
    assert [(d["name"], d["blocking_themes"]) for d in body["open_deals"]] == [
        ("Acme renewal", [store.themes["reporting"].pk])
    ]
    assert body["owner_csm"] == "csm1"


def test_anonymous_gets_401(client, store):
    assert client.get(ITEMS).status_code == 401
    assert client.get(THEMES).status_code == 401


def test_a_used_theme_cannot_be_deleted_only_archived(store, client_for):
    client = client_for(Role.PRODUCT_OPS)
    response = client.delete(f"{THEMES}{store.themes['sso'].pk}/")
    assert response.status_code == 400 and "theme" in response.json()
    empty = client.post(THEMES, {"name": "Unused"}, content_type="application/json").json()["id"]
    assert client.delete(f"{THEMES}{empty}/").status_code == 204


def test_item_list_query_count_does_not_grow(store, client_for, django_assert_max_num_queries):
    client = client_for(Role.PM)
    client.get(ITEMS)
    with django_assert_max_num_queries(8):
        first = client.get(ITEMS, {"limit": 50}).json()
    from tests.feedback.conftest import at, make_item

    for i in range(30):
        make_item(f"api{i}", store.accounts["globex"], "zendesk", at(4, 1 + i % 28), "Dashboard", "dashboard")
    with django_assert_max_num_queries(8):
        second = client.get(ITEMS, {"limit": 50}).json()
    assert (first["count"], second["count"]) == (9, 39)
