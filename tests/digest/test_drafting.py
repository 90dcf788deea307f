from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from digest import services
from digest.models import Digest, DigestStatus, Section
from digest.selectors import rising_themes
from feedback.models import Account, FeedbackItem, FeedbackTheme, Theme
from readiness import services as readiness_services
from tests.digest.conftest import TODAY, VERBATIM

pytestmark = pytest.mark.django_db


def _by_section(digest: Digest) -> dict[str, list]:
    out: dict[str, list] = {}
    for entry in digest.entries.order_by("position", "id"):
        out.setdefault(entry.section, []).append(entry)
    return out


def test_draft_has_releases_inside_the_horizon_only_with_readiness_pain_and_positioning(world):
    digest = services.digest_draft(today=TODAY)
    assert digest.period == "2026-10" and digest.status == DigestStatus.DRAFT
    soon = _by_section(digest)[Section.SHIPPING_SOON]
    assert [e.data["name"] for e in soon] == ["Reporting 2.0"]  # "Far away" (June) is outside 6 weeks
    data = soon[0].data
    assert soon[0].release_id == world["soon"].pk and data["release_id"] == world["soon"].pk
    assert data["launch_date"] == "2026-03-30" and data["area"]["slug"] == "reporting"
    assert data["readiness"]["total"] > 0 and data["readiness"]["percent"] == 0
    assert {m["category"] for m in data["missing"]} >= {"Enablement", "Communications"}
    assert data["asked"]["count"] == 3 and data["asked"]["arr"] == "190000"
    assert {a["name"] for a in data["asked"]["accounts"]} == {"Acme", "Globex", "Initech"}
    assert data["verbatims"][0]["text"] == VERBATIM  # stored, shown only to roles that may read verbatims
    assert data["positioning"] == "Scheduled reports by email."
    assert data["faq"] == [{"q": "Does it cost extra?", "a": "No."}]
    assert data["kit_url"] == f"/readiness/releases/{world['soon'].pk}/kit/"


def test_just_launched_lists_enablement_links_and_what_is_missing(world):
    launched = {
        e.data["name"]: e.data for e in _by_section(services.digest_draft(today=TODAY))[Section.JUST_LAUNCHED]
    }
    assert set(launched) == {"Exports", "Bare launch"}
    assert launched["Exports"]["enablement"] == [
        {"label": "Help article", "url": "https://help.example.com/exports"}
    ]
    assert launched["Exports"]["enablement_missing"] == ["In-app guide", "Video walkthrough"]
    assert launched["Exports"]["asked"]["count"] == 3
    assert launched["Bare launch"]["enablement"] == []
    assert len(launched["Bare launch"]["enablement_missing"]) == 3


def test_a_slipped_launch_shows_under_changed_in_the_next_digest(world, people):
    first = services.digest_draft(today=TODAY)
    services.digest_publish(digest=first, actor=people["ops"], notify=False)
    readiness_services.release_set_launch_date(
        release=world["soon"], launch_date=date(2026, 4, 6), actor=people["pm"]
    )
    second = services.digest_draft(today=TODAY + timedelta(days=7))
    assert second.period == "2026-11" and second.previous_id == first.pk
    changes = [e.data for e in _by_section(second)[Section.CHANGED]]
    assert [(c["kind"], c["name"], c["old"], c["new"]) for c in changes] == [
        ("slipped", "Reporting 2.0", "2026-03-30", "2026-04-06")
    ]
    assert "Slipped: 2026-03-30 → 2026-04-06." in changes[0]["text"]


def test_changed_lists_added_and_dropped_releases_and_readiness_moves(world, people):
    first = services.digest_draft(today=TODAY)
    services.digest_publish(digest=first, actor=people["ops"], notify=False)
    for item in world["soon"].checklist.filter(needs_evidence=False)[:3]:
        readiness_services.item_tick(item=item, actor=people["ops"])
    readiness_services.release_set_launch_date(
        release=world["far"], launch_date=date(2026, 3, 20), actor=people["pm"]
    )
    second = services.digest_draft(today=TODAY + timedelta(days=1), year=2026, week=11)
    kinds = {(e.data["kind"], e.data["name"]) for e in second.entries.filter(section=Section.CHANGED)}
    assert ("added", "Far away") in kinds and ("readiness", "Reporting 2.0") in kinds
    readiness_services.release_set_launch_date(
        release=world["soon"], launch_date=date(2026, 9, 1), actor=people["pm"]
    )
    third = services.digest_draft(today=TODAY + timedelta(days=1), year=2026, week=11)
    kinds = {(e.data["kind"], e.data["name"]) for e in third.entries.filter(section=Section.CHANGED)}
    assert ("dropped", "Reporting 2.0") in kinds


def test_redraft_refreshes_data_and_keeps_notes_order_and_hidden(world, people):
    digest = services.digest_draft(today=TODAY)
    entries = list(digest.entries.order_by("position", "id"))
    soon = next(e for e in entries if e.section == Section.SHIPPING_SOON)
    edits = [
        services.EntryEdit(
            e.pk,
            "Lead with **scheduled reports**" if e.pk == soon.pk else "",
            e.section == Section.JUST_LAUNCHED,
            e.position,
        )
        for e in entries
    ]
    services.digest_save_edits(digest=digest, intro="Hello", edits=edits)
    world["soon"].name = "Reporting 2.1"
    world["soon"].save()
    again = services.digest_draft(today=TODAY)
    assert again.pk == digest.pk and again.intro == "Hello"
    soon = again.entries.get(pk=soon.pk)
    assert soon.data["name"] == "Reporting 2.1" and soon.note == "Lead with **scheduled reports**"
    assert all(e.hidden for e in again.entries.filter(section=Section.JUST_LAUNCHED))


def test_draft_now_after_publishing_drafts_next_week(world, people):
    services.digest_publish(digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False)
    assert services.digest_draft(today=TODAY).period == "2026-11"


def test_rising_themes_compare_the_last_week_with_the_trailing_average_by_segment(db):
    theme = Theme.objects.create(name="SSO", slug="sso")
    quiet = Theme.objects.create(name="Quiet", slug="quiet")
    risky = Account.objects.create(name="Risky", lifecycle="customer", churn_risk_score=90)
    n = 0

    def say(t: Theme, day: date) -> None:
        nonlocal n
        n += 1
        item = FeedbackItem.objects.create(source="zendesk", external_id=f"r{n}", account=risky, kind="ticket",
                                           occurred_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC))  # fmt: skip
        FeedbackTheme.objects.create(item=item, theme=t)

    for day in (date(2026, 2, 24), date(2026, 2, 25), date(2026, 2, 27)):  # the last 7 days before Mar 2
        say(theme, day)
        say(quiet, day)
    # the 4 weeks before (Jan 26 - Feb 22): SSO twice (0.5 a week), Quiet 12 times (3 a week: not rising)
    say(theme, date(2026, 2, 3))
    say(theme, date(2026, 2, 10))
    for week in range(4):
        for _ in range(3):
            say(quiet, date(2026, 1, 26) + timedelta(weeks=week))
    groups = {g["segment"]: g for g in rising_themes(until=TODAY, trailing_weeks=4)}
    churn = groups["churn_risk"]["themes"]
    assert [(t["name"], t["this_week"], t["weekly_average"], t["accounts"]) for t in churn] == [
        ("SSO", 3, 0.5, 1)
    ]
    assert (
        f"theme={theme.pk}" in churn[0]["dashboard_url"] and "segment=churn_risk" in churn[0]["dashboard_url"]
    )
    assert groups["expansion"]["themes"] == []
