from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from readiness import services
from readiness.models import ChecklistItem, FaqEntry, Release
from tests.clients import logged_in
from tests.readiness.conftest import account

pytestmark = pytest.mark.django_db


def test_board_lists_releases_touching_a_csms_accounts_by_default(
    open_release, make_release, people, django_assert_max_num_queries
):
    other = make_release("Unrelated", launch=date(2026, 4, 10))
    services.checklist_open(release=other)
    client = logged_in(people["csm"])
    with django_assert_max_num_queries(9):  # 8, and the page cache's versions
        html = client.get("/readiness/").content.decode()
    assert "Reporting 2.0" in html and "Unrelated" not in html
    everything = client.get("/readiness/?mine=0").content.decode()
    assert "Reporting 2.0" in everything and "Unrelated" in everything


def test_release_page_query_count_does_not_grow_with_items(
    open_release, people, django_assert_max_num_queries
):
    client = logged_in(people["csm"])
    with django_assert_max_num_queries(40) as small:
        client.get(f"/readiness/releases/{open_release.pk}/")
    for item in open_release.checklist.filter(needs_evidence=False):
        services.item_tick(item=item, actor=people["ops"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/readiness/releases/{open_release.pk}/").status_code == 200


def test_htmx_tick_returns_the_checklist_partial(open_release, people):
    item = open_release.checklist.filter(needs_evidence=False, owner=people["csm"]).first()
    response = logged_in(people["csm"]).post(f"/readiness/items/{item.pk}/tick/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="checklist">') and "<html" not in html
    assert ChecklistItem.objects.get(pk=item.pk).done_by == people["csm"]


def test_ticking_without_evidence_shows_the_error_next_to_the_item(open_release, people):
    item = open_release.checklist.filter(needs_evidence=True).first()
    response = logged_in(people["ops"]).post(f"/readiness/items/{item.pk}/tick/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    row = html[html.index(f'id="item-{item.pk}"') :]
    assert "needs a link as evidence" in row[: row.index("</li>")]
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None


def test_sales_sees_the_release_but_no_tick_buttons_and_cannot_post(open_release, people):
    client = logged_in(people["sales"])
    html = client.get(f"/readiness/releases/{open_release.pk}/").content.decode()
    assert "Reporting 2.0" in html and ">Tick<" not in html
    item = open_release.checklist.filter(needs_evidence=False).first()
    assert client.post(f"/readiness/items/{item.pk}/tick/").status_code == 403
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None


def test_customer_text_in_the_kit_is_escaped(open_release, theme, say, people):
    evil = account("Evil Corp", risk=99, owner=people["csm"])
    say(evil, theme, '<script>alert("x")</script><img src=x onerror=alert(1)>', day=28)
    html = logged_in(people["csm"]).get(f"/readiness/releases/{open_release.pk}/kit/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_faq_form_shows_errors_next_to_the_field_and_keeps_nothing(open_release, people):
    client = logged_in(people["csm"])
    response = client.post(f"/readiness/releases/{open_release.pk}/kit/", {"question": "", "answer": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not FaqEntry.objects.exists()
    client.post(
        f"/readiness/releases/{open_release.pk}/kit/",
        {"question": "Q?", "answer": "A.", "for_high_risk": "on"},
    )
    assert FaqEntry.objects.get().for_high_risk
    assert (
        logged_in(people["sales"])
        .post(f"/readiness/releases/{open_release.pk}/kit/", {"question": "Q", "answer": "A"})
        .status_code
        == 403
    )


def test_release_form_moving_the_launch_moves_due_dates(open_release, people, theme):
    first_due = open_release.checklist.order_by("id").first().due_date
    response = logged_in(people["pm"]).post(
        f"/readiness/releases/{open_release.pk}/edit/",
        {"name": "Reporting 2.0", "tier": "major", "launch_date": "2026-04-13", "status": "in_readiness",
         "pm_owner": people["pm"].pk, "themes": [theme.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert open_release.checklist.order_by("id").first().due_date == date.fromordinal(
        first_due.toordinal() + 7
    )


def test_release_form_bad_date_is_shown_next_to_the_field(people):
    response = logged_in(people["pm"]).post(
        "/readiness/releases/new/", {"name": "X", "tier": "major", "launch_date": "soon"}
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not Release.objects.exists()


# --- API -----------------------------------------------------------------------------------------------------------


def test_api_tick_without_evidence_is_a_400_naming_the_field(open_release, people):
    item = open_release.checklist.filter(needs_evidence=True).first()
    response = logged_in(people["ops"]).post(
        f"/api/v1/checklist-items/{item.pk}/tick/", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "evidence_url" in response.json()
    ok = logged_in(people["ops"]).post(
        f"/api/v1/checklist-items/{item.pk}/tick/",
        {"evidence_url": "https://help.example.com/1"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["done_by"] == "ops1"


def test_api_sales_cannot_tick(open_release, people):
    item = open_release.checklist.filter(needs_evidence=False).first()
    response = logged_in(people["sales"]).post(f"/api/v1/checklist-items/{item.pk}/tick/")
    assert response.status_code == 403


def test_api_item_update_errors_name_the_field(open_release, people):
    item = open_release.checklist.first()
    client = logged_in(people["pm"])
    late = client.patch(
        f"/api/v1/checklist-items/{item.pk}/", {"due_date": "2026-05-01"}, content_type="application/json"
    )
    assert late.status_code == 400 and "due_date" in late.json()
    unknown = client.patch(
        f"/api/v1/checklist-items/{item.pk}/", {"owner": "ghost"}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "owner" in unknown.json()


def test_api_release_crud_is_for_pm_and_product_ops(people, theme, client_for):
    payload = {
        "name": "API release",
        "launch_date": "2026-06-01",
        "tier": "major",
        "pm_owner": "pm1",
        "themes": ["reporting"],
    }
    assert (
        logged_in(people["csm"])
        .post("/api/v1/releases/", payload, content_type="application/json")
        .status_code
        == 403
    )
    created = logged_in(people["pm"]).post("/api/v1/releases/", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    bad = logged_in(people["pm"]).post(
        "/api/v1/releases/", {**payload, "pm_owner": "csm1", "tier": "huge"}, content_type="application/json"
    )
    assert bad.status_code == 400 and {"pm_owner", "tier"} <= set(bad.json())
    assert logged_in(people["sales"]).get("/api/v1/releases/").status_code == 200


def test_api_readiness_summary(open_release, people):
    body = logged_in(people["cpo"]).get(f"/api/v1/releases/{open_release.pk}/readiness/").json()
    assert body["total"] == open_release.checklist.count() and body["done"] == 0
    assert {c["category"] for c in body["categories"]} >= {"validation", "communications"}


def test_anonymous_api_gets_401(open_release):
    assert Client().get("/api/v1/releases/").status_code == 401


def test_only_product_ops_edits_templates(people):
    from readiness.models import TemplateItem

    template_item = TemplateItem.objects.first()
    assert logged_in(people["pm"]).get(f"/readiness/templates/items/{template_item.pk}/").status_code == 403
    ops = logged_in(people["ops"])
    bad = ops.post(
        "/readiness/templates/",
        {
            "template": template_item.template_id,
            "title": "",
            "category": "validation",
            "owner_role": "PM",
            "due_offset_days": "500",
        },
    )
    assert bad.status_code == 400 and "at most 120 days" in bad.content.decode()
    good = ops.post(
        "/readiness/templates/",
        {
            "template": template_item.template_id,
            "title": "Legal review",
            "category": "validation",
            "owner_role": "Product Ops",
            "due_offset_days": "30",
        },
    )
    assert good.status_code == 302 and TemplateItem.objects.filter(title="Legal review").exists()


def test_the_theme_page_links_to_its_releases(open_release, theme, people):
    html = logged_in(people["pm"]).get(f"/feedback/themes/{theme.pk}/").content.decode()
    assert f'href="/readiness/releases/{open_release.pk}/"' in html


def test_board_query_count_does_not_grow_with_releases(
    open_release, make_release, people, django_assert_max_num_queries
):
    client = logged_in(people["ops"])
    with django_assert_max_num_queries(20) as one:
        client.get("/readiness/?mine=0")
    for n in range(5):
        services.checklist_open(release=make_release(f"More {n}", launch=date(2026, 4, 10 + n)))
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get("/readiness/?mine=0").content.decode()
    assert "More 4" in html


def test_kit_query_count_does_not_grow_with_high_risk_accounts(
    open_release, theme, say, people, django_assert_max_num_queries
):
    client = logged_in(people["csm"])
    url = f"/readiness/releases/{open_release.pk}/kit/?owner="  # every owner's accounts, not only the CSM's
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(8):
        say(account(f"Big {n}", arr="900000", owner=people["csm2"]), theme, f"exports {n}", day=20)
    services.release_refresh_affected_accounts(release=open_release)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Big 7" in html


def test_affected_accounts_are_added_by_name_or_domain_and_removed(open_release, people):
    from feedback.models import Account

    extra = Account.objects.create(name="Initech", domain="initech.example")
    client = logged_in(people["pm"])
    url = f"/readiness/releases/{open_release.pk}/accounts/"
    before = open_release.affected_accounts.count()
    unknown = client.post(url, {"action": "add", "name": "Nobody Ltd"}, follow=True)
    assert "No account is called &#x27;Nobody Ltd&#x27;" in unknown.content.decode()
    assert open_release.affected_accounts.count() == before  # nothing added, nothing lost
    client.post(url, {"action": "add", "name": "INITECH.example"})
    assert open_release.affected_accounts.filter(pk=extra.pk).exists()
    client.post(url, {"action": "remove", "account": str(extra.pk)})
    client.post(url, {"action": "remove", "account": "not-a-number"})
    assert open_release.affected_accounts.count() == before
    assert logged_in(people["csm"]).post(url, {"action": "add", "name": "Initech"}).status_code == 403


def test_the_api_and_the_form_save_a_release_through_the_same_service(people, theme, say):
    """The same input gives the same affected accounts whether it comes from the API or the web form."""
    say(account("Asked for reports"), theme, "reports please")
    payload = {
        "name": "Via API",
        "launch_date": "2026-06-01",
        "tier": "major",
        "pm_owner": "pm1",
        "themes": ["reporting"],
    }
    created = logged_in(people["pm"]).post("/api/v1/releases/", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    form = logged_in(people["pm"]).post(
        "/readiness/releases/new/",
        {"name": "Via form", "launch_date": "2026-06-01", "tier": "major", "pm_owner": people["pm"].pk,
         "themes": [theme.pk], "status": "planned", "description": "", "customer_change": ""},
    )  # fmt: skip
    assert form.status_code == 302, form.content.decode()[:2000]
    via_api, via_form = Release.objects.get(name="Via API"), Release.objects.get(name="Via form")
    assert list(via_api.affected_accounts.values_list("name", flat=True)) == ["Asked for reports"]
    assert set(via_api.affected_accounts.all()) == set(via_form.affected_accounts.all())
    edited = logged_in(people["pm"]).patch(
        f"/api/v1/releases/{via_api.pk}/", {"launch_date": "2026-06-08"}, content_type="application/json"
    )
    assert edited.status_code == 200 and Release.objects.get(pk=via_api.pk).launch_date == date(2026, 6, 8)
