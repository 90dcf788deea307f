"""Defects 7 and 8: who may tick what, FAQ authorship and history, launched releases frozen, one verbatim rule.

Each rule is tested through the page and through the API (README, "Launch readiness", rules).
"""

from __future__ import annotations

from datetime import date

import pytest

from readiness import services
from readiness.models import ChecklistItem, FaqEntry, FaqEvent, Release, ReleaseStatus
from tests.clients import logged_in
from tests.readiness.conftest import account, frozen_today, make_release, people, say, theme  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(make_release, people):  # noqa: F811
    release = make_release(launch=date(2026, 4, 6))
    services.checklist_open(release=release)
    return release


def _someone_elses_item(release, people):  # noqa: F811
    return release.checklist.filter(owner_role="Product Ops", needs_evidence=False).first()


def test_a_csm_cannot_tick_an_item_owned_by_another_person_or_role_page_and_api(release, people):  # noqa: F811
    item = _someone_elses_item(release, people)
    csm = logged_in(people["csm"])
    assert csm.post(f"/readiness/items/{item.pk}/tick/").status_code == 403
    assert csm.post(f"/api/v1/checklist-items/{item.pk}/tick/").status_code == 403
    services.item_tick(item=item, actor=people["ops"])
    assert csm.post(f"/readiness/items/{item.pk}/untick/").status_code == 403
    assert csm.post(f"/api/v1/checklist-items/{item.pk}/untick/").status_code == 403
    assert ChecklistItem.objects.get(pk=item.pk).done_by == people["ops"]
    # ...nor another CSM's item
    mine = release.checklist.filter(owner=people["csm"], needs_evidence=False).first()
    assert logged_in(people["csm2"]).post(f"/api/v1/checklist-items/{mine.pk}/tick/").status_code == 403
    assert csm.post(f"/api/v1/checklist-items/{mine.pk}/tick/").status_code == 200
    # The page offers Tick only where the user may use it.
    html = csm.get(f"/readiness/releases/{release.pk}/").content.decode()
    other_row = html[html.index(f'id="item-{item.pk}"') :]
    assert (
        ">Tick<" not in other_row[: other_row.index("</li>")]
        and ">Undo<" not in other_row[: other_row.index("</li>")]
    )


def test_an_unowned_item_is_ticked_by_holders_of_its_role(release, people):  # noqa: F811
    item = release.checklist.filter(owner_role="CSM", needs_evidence=False).first()
    ChecklistItem.objects.filter(pk=item.pk).update(owner=None)
    assert logged_in(people["pm"]).post(f"/api/v1/checklist-items/{item.pk}/tick/").status_code == 403
    assert logged_in(people["csm2"]).post(f"/api/v1/checklist-items/{item.pk}/tick/").status_code == 200


@pytest.mark.parametrize("who", ["sales", "cpo"])
def test_an_item_cannot_be_assigned_to_someone_outside_its_role(release, people, who):  # noqa: F811
    item = release.checklist.filter(owner_role="CSM").first()
    response = logged_in(people["pm"]).patch(
        f"/api/v1/checklist-items/{item.pk}/",
        {"owner": people[who].username},
        content_type="application/json",
    )
    assert response.status_code == 400 and "owner" in response.json()
    assert ChecklistItem.objects.get(pk=item.pk).owner != people[who]


def test_a_launched_release_is_frozen_page_and_api(release, people, theme):  # noqa: F811
    item = release.checklist.filter(owner=people["csm"], needs_evidence=False).first()
    Release.objects.filter(pk=release.pk).update(status=ReleaseStatus.LAUNCHED)
    ops, pm = logged_in(people["ops"]), logged_in(people["pm"])
    assert ops.post(f"/readiness/items/{item.pk}/tick/").status_code == 403
    assert ops.post(f"/api/v1/checklist-items/{item.pk}/tick/").status_code == 403
    patch = pm.patch(
        f"/api/v1/checklist-items/{item.pk}/", {"due_date": "2026-04-01"}, content_type="application/json"
    )
    assert patch.status_code == 403
    assert (
        pm.patch(
            f"/api/v1/releases/{release.pk}/", {"name": "Renamed"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert pm.delete(f"/api/v1/releases/{release.pk}/").status_code == 403
    form = pm.post(
        f"/readiness/releases/{release.pk}/edit/",
        {"name": "Renamed", "tier": "major", "launch_date": "2026-04-06", "status": "launched",
         "pm_owner": people["pm"].pk, "themes": [theme.pk]},
    )  # fmt: skip
    assert form.status_code == 400 and "launched" in form.content.decode()
    assert (
        pm.post(f"/readiness/releases/{release.pk}/kit/", {"question": "Q", "answer": "A"}).status_code == 403
    )
    assert Release.objects.get(pk=release.pk).name == "Reporting 2.0"
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None


def test_faq_entries_are_removed_only_by_author_release_pm_or_ops_and_every_change_is_kept(release, people):  # noqa: F811
    csm, csm2 = logged_in(people["csm"]), logged_in(people["csm2"])
    csm.post(f"/readiness/releases/{release.pk}/kit/", {"question": "Does it export?", "answer": "Yes."})
    entry = FaqEntry.objects.get()
    assert entry.author == people["csm"]
    assert csm2.post(f"/readiness/faq/{entry.pk}/delete/").status_code == 403
    assert f"faq/{entry.pk}/delete" not in csm2.get(f"/readiness/releases/{release.pk}/kit/").content.decode()
    pm_entry = services.faq_add(release=release, question="Pricing?", answer="Same.", actor=people["pm"])
    assert (
        csm.post(f"/readiness/faq/{pm_entry.pk}/delete/").status_code == 403
    )  # a CSM cannot remove a PM's entry
    assert (
        logged_in(people["pm"]).post(f"/readiness/faq/{entry.pk}/delete/").status_code == 302
    )  # release PM may
    events = list(FaqEvent.objects.order_by("id").values_list("action", "question", "actor__username"))
    assert events == [
        ("added", "Does it export?", "csm1"),
        ("added", "Pricing?", "pm1"),
        ("removed", "Does it export?", "pm1"),
    ]
    assert "FAQ history" in csm.get(f"/readiness/releases/{release.pk}/kit/").content.decode()


@pytest.mark.parametrize("launch", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_launch_date_out_of_range_is_a_field_error_page_and_api(people, theme, launch):  # noqa: F811
    pm = logged_in(people["pm"])
    page = pm.post(
        "/readiness/releases/new/",
        {
            "name": "X",
            "tier": "major",
            "launch_date": launch,
            "pm_owner": people["pm"].pk,
            "status": "planned",
        },
    )
    assert page.status_code == 200 and "Enter a launch date between" in page.content.decode()
    api = pm.post(
        "/api/v1/releases/",
        {"name": "X", "tier": "major", "launch_date": launch, "pm_owner": "pm1"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "launch_date" in api.json()
    assert not Release.objects.exists()


def test_sales_sees_no_verbatims_in_the_kit_but_other_roles_do(release, people, theme, say):  # noqa: F811
    risky = account("Risky Co", risk=95, owner=people["csm"])
    say(risky, theme, "VERBATIM: the export times out every Monday", day=20)
    services.release_refresh_affected_accounts(release=release)
    url = f"/readiness/releases/{release.pk}/kit/"
    sales_html = logged_in(people["sales"]).get(url).content.decode()
    assert "Risky Co" in sales_html and "VERBATIM" not in sales_html and "What they said" not in sales_html
    for role in ("csm", "pm", "cpo", "ops"):
        assert "VERBATIM" in logged_in(people[role]).get(url).content.decode(), role
    # ...and the API keeps the same rule: no feedback item reaches Sales.
    sales = logged_in(people["sales"])
    assert sales.get("/api/v1/feedback/items/").status_code == 403
    item_id = (
        risky.feedback_items.values_list("pk", flat=True).first()
        if hasattr(risky, "feedback_items")
        else None
    )
    if item_id:
        assert sales.get(f"/api/v1/feedback/items/{item_id}/").status_code == 403


def test_can_read_feedback_is_the_one_rule(people):  # noqa: F811
    from feedback.permissions import can_read_feedback

    assert [can_read_feedback(people[r]) for r in ("pm", "ops", "csm", "cpo", "sales")] == [True] * 4 + [
        False
    ]
