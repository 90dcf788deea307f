from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from readiness import services
from readiness.models import ChecklistItem, ItemEvent, ReleaseStatus, TemplateItem, Tier
from readiness.tasks import open_due_checklists

pytestmark = pytest.mark.django_db


def test_default_templates_ship_with_the_app_and_cover_the_framework():
    major = TemplateItem.objects.filter(template__tier=Tier.MAJOR)
    assert set(major.values_list("category", flat=True)) == {
        "internal_impact", "validation", "communications", "enablement", "definition_of_done",
    }  # fmt: skip
    titles = " ".join(major.values_list("title", flat=True)).lower()
    assert "csm" in titles and "zendesk" in titles and "in-app guide" in titles
    assert max(major.values_list("due_offset_days", flat=True)) <= 56


@override_settings(READINESS_WINDOW_DAYS=56)
def test_beat_opens_a_major_checklist_when_launch_enters_the_window(make_release):
    release = make_release(launch=date(2026, 5, 1))
    minor = make_release("Minor", launch=date(2026, 4, 1), tier=Tier.MINOR)
    with time_machine.travel(date(2026, 3, 5), tick=False):  # 57 days before launch: not yet
        assert open_due_checklists() == []
    with time_machine.travel(date(2026, 3, 6), tick=False):  # 56 days: opens
        assert open_due_checklists() == [release.pk]
        assert open_due_checklists() == []  # running again does nothing
    release.refresh_from_db()
    assert release.status == ReleaseStatus.IN_READINESS
    assert release.checklist.count() == TemplateItem.objects.filter(template__tier=Tier.MAJOR).count()
    assert not minor.checklist.exists()  # only major releases open by schedule


def test_the_schedule_marks_past_releases_launched(make_release):
    past = make_release("Shipped", launch=date(2026, 3, 1))
    today = make_release("Today", launch=date(2026, 3, 2))
    with time_machine.travel(date(2026, 3, 2), tick=False):
        open_due_checklists()
    past.refresh_from_db()
    today.refresh_from_db()
    assert past.status == ReleaseStatus.LAUNCHED
    assert today.status != ReleaseStatus.LAUNCHED  # launch day itself is still on the board


def test_due_dates_and_owners_come_from_the_template(make_release, people):
    release = make_release(launch=date(2026, 4, 6))
    services.checklist_open(release=release, actor=people["ops"])
    for item in release.checklist.select_related("template_item"):
        assert item.due_date == date(2026, 4, 6) - timedelta(days=item.template_item.due_offset_days)
        expected_owner = {"PM": people["pm"], "Product Ops": people["ops"], "CSM": people["csm"]}[
            item.owner_role
        ]
        assert item.owner == expected_owner
    assert (
        ItemEvent.objects.filter(item__release=release, action="opened").count() == release.checklist.count()
    )
    with pytest.raises(ValidationError, match="already open"):
        services.checklist_open(release=release, actor=people["ops"])


def test_moving_the_launch_moves_open_due_dates_but_not_done_ones(make_release, people):
    release = make_release(launch=date(2026, 4, 6))
    services.checklist_open(release=release)
    done = release.checklist.filter(needs_evidence=False).first()
    services.item_tick(item=done, actor=people["ops"])
    before = dict(release.checklist.values_list("pk", "due_date"))
    moved = services.release_set_launch_date(
        release=release, launch_date=date(2026, 4, 20), actor=people["pm"]
    )
    assert moved == release.checklist.count() - 1
    for pk, due in release.checklist.values_list("pk", "due_date"):
        assert due == (before[pk] if pk == done.pk else before[pk] + timedelta(days=14))
    assert ItemEvent.objects.filter(item__release=release, action="due_moved").count() == moved


def test_a_csm_ticks_and_undoes_and_history_records_who(make_release, people):
    release = make_release()
    services.checklist_open(release=release)
    item = release.checklist.filter(needs_evidence=False, owner_role="CSM", owner=people["csm"]).first()
    services.item_tick(item=item, actor=people["csm"])
    item.refresh_from_db()
    assert item.done_by == people["csm"] and item.done_at is not None
    services.item_untick(item=item, actor=people["csm"])
    item.refresh_from_db()
    assert item.done_at is None and item.done_by is None
    actions = list(item.events.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [("opened", None), ("ticked", "csm1"), ("unticked", "csm1")]


@pytest.mark.parametrize("role", ["sales", "cpo"])
def test_sales_and_cpo_cannot_tick(make_release, people, role):
    release = make_release()
    services.checklist_open(release=release)
    item = release.checklist.filter(needs_evidence=False).first()
    with pytest.raises(PermissionDenied):
        services.item_tick(item=item, actor=people[role])
    assert not ChecklistItem.objects.filter(pk=item.pk, done_at__isnull=False).exists()


def test_an_item_needing_evidence_cannot_be_ticked_without_a_link(make_release, people):
    release = make_release()
    services.checklist_open(release=release)
    item = release.checklist.filter(needs_evidence=True).first()
    people["csm"] = people["ops"]  # Product Ops may tick any item; the rule under test is the evidence
    with pytest.raises(ValidationError) as missing:
        services.item_tick(item=item, actor=people["csm"])
    assert "evidence_url" in missing.value.message_dict
    with pytest.raises(ValidationError) as bad:
        services.item_tick(item=item, actor=people["csm"], evidence_url="javascript:alert(1)")
    assert "valid" in bad.value.message_dict["evidence_url"][0]
    services.item_tick(item=item, actor=people["csm"], evidence_url="https://help.example.com/a/1")
    item.refresh_from_db()
    assert item.evidence_url == "https://help.example.com/a/1" and item.done_at is not None


def test_item_update_rejects_unknown_owner_and_due_after_launch(make_release, people):
    release = make_release(launch=date(2026, 4, 6))
    services.checklist_open(release=release)
    item = release.checklist.filter(owner_role="CSM").first()
    with pytest.raises(ValidationError) as owner:
        services.item_update(item=item, actor=people["pm"], owner_username="nobody")
    assert "owner" in owner.value.message_dict
    with pytest.raises(ValidationError) as due:
        services.item_update(item=item, actor=people["pm"], due_date=date(2026, 4, 7))
    assert "due_date" in due.value.message_dict
    with pytest.raises(PermissionDenied):
        services.item_update(item=item, actor=people["csm"], due_date=date(2026, 4, 1))
    services.item_update(item=item, actor=people["pm"], owner_username="csm2", due_date=date(2026, 4, 6))
    item.refresh_from_db()
    assert item.owner == people["csm2"] and item.due_date == date(2026, 4, 6)


def test_affected_accounts_come_from_the_themes_feedback(make_release, theme, say):
    from tests.readiness.conftest import account

    asked = account("Asked")
    untagged = account("Untagged by a person")
    account("Silent")
    say(asked, theme, "reports please")
    say(untagged, theme, "reports", removed=True)
    release = make_release()
    assert services.release_refresh_affected_accounts(release=release) == 1
    assert list(release.affected_accounts.values_list("name", flat=True)) == ["Asked"]


def test_release_save_creates_with_accounts_and_an_edit_moves_open_dues(theme, say, people):
    from readiness.models import Release
    from tests.readiness.conftest import account

    say(account("Asked"), theme, "reports please")
    release = Release(name="Exports", tier=Tier.MAJOR, pm_owner=people["pm"])
    assert (
        services.release_save(
            release=release, launch_date=date(2026, 4, 6), actor=people["pm"], themes=[theme]
        )
        == 0
    )
    assert list(release.affected_accounts.values_list("name", flat=True)) == ["Asked"]
    services.checklist_open(release=release)
    before = dict(release.checklist.values_list("pk", "due_date"))

    release.name = "Exports v2"  # an edit carries its stored launch date; the service moves it
    moved = services.release_save(release=release, launch_date=date(2026, 4, 13), actor=people["pm"])
    release.refresh_from_db()
    assert (release.name, release.launch_date, moved) == ("Exports v2", date(2026, 4, 13), len(before))
    for pk, due in release.checklist.values_list("pk", "due_date"):
        assert due == before[pk] + timedelta(days=7)
