"""Launch outcomes on a fixture with known before/after counts, on the release page and for the CPO."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from productops.roles import Role
from readiness.models import ChecklistItem, Release, ReleaseStatus
from reports.trends_launches import launch_outcome, recent_launches

from .conftest import TODAY

LAUNCH = date(2026, 10, 21)  # 35 days before TODAY: the full 4 weeks after launch have passed


@pytest.fixture
def launched(people, make_theme, make_account, say):
    theme = make_theme("Mobile app")
    other = make_theme("Billing")
    risky = make_account("Risky", risk=90)
    prospect = make_account("Maybe", lifecycle="prospect", arr=0)
    release = Release.objects.create(
        name="Android fix", launch_date=LAUNCH, pm_owner=people["pm"], status=ReleaseStatus.LAUNCHED
    )
    release.themes.add(theme)
    for d in range(1, 11):  # 10 tickets from a churn-risk account in the 28 days before launch
        say(risky, theme, LAUNCH - timedelta(days=d * 2))
    for d in range(3):  # 3 NPS comments from a prospect before
        say(prospect, theme, LAUNCH - timedelta(days=d + 1), kind="nps_response", nps=4)
    for d in range(2):  # 2 tickets after
        say(risky, theme, LAUNCH + timedelta(days=d * 5))
    say(risky, theme, LAUNCH - timedelta(days=40))  # outside both periods
    say(risky, theme, LAUNCH + timedelta(days=30))  # outside both periods
    say(risky, other, LAUNCH + timedelta(days=3))  # another theme
    when_done = datetime(2026, 10, 20, 12, tzinfo=UTC)
    for n in range(4):
        ChecklistItem.objects.create(
            release=release, title=f"i{n}", category="validation", owner_role="PM", due_date=LAUNCH,
            done_at=when_done if n < 3 else datetime(2026, 10, 25, tzinfo=UTC), done_by=people["pm"], owner=people["pm"],
        )  # fmt: skip
    return release


def test_known_before_and_after_counts_by_segment(launched):
    outcome = launch_outcome(launched, today=TODAY)
    assert outcome.days == 28 and outcome.complete
    assert (outcome.tickets.before, outcome.tickets.after) == (10, 2)
    assert (outcome.feedback.before, outcome.feedback.after) == (13, 2)
    assert outcome.tickets.verdict == "fewer"
    segments = {label: (t.before, t.after, f.before, f.after) for label, t, f in outcome.by_segment}
    assert segments["Churn risk"] == (10, 2, 10, 2)
    assert segments["Prospects"] == (0, 0, 3, 0)
    assert (outcome.checklist_done_at_launch, outcome.checklist_total, outcome.checklist_percent) == (
        3,
        4,
        75,
    )


def test_a_recent_launch_compares_equal_periods_without_the_day_in_progress(launched):
    outcome = launch_outcome(launched, today=LAUNCH + timedelta(days=6))
    assert outcome.days == 6 and not outcome.complete
    assert launch_outcome(launched, today=LAUNCH) is None  # launch day not over yet


def test_a_release_with_no_themes_says_so(people, client_for):
    release = Release.objects.create(name="Themeless", launch_date=LAUNCH, pm_owner=people["pm"])
    outcome = launch_outcome(release, today=TODAY)
    assert not outcome.has_themes
    html = client_for(Role.CSM).get(f"/readiness/releases/{release.pk}/").content.decode()
    assert "This release has no themes" in html


def test_release_page_shows_the_outcome(launched, client_for):
    response = client_for(Role.CSM).get(f"/readiness/releases/{launched.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Launch outcome" in html and "10 → 2" in html and "75% complete" in html


def test_upcoming_release_page_has_no_outcome(people, client_for):
    release = Release.objects.create(
        name="Later", launch_date=TODAY + timedelta(days=9), pm_owner=people["pm"]
    )
    assert (
        "Launch outcome" not in client_for(Role.PM).get(f"/readiness/releases/{release.pk}/").content.decode()
    )


def test_cpo_overview_summarises_recent_launches(launched, client_for):
    assert [o.release for o in recent_launches(today=TODAY, weeks=8)] == [launched]
    html = client_for(Role.CPO).get("/reports/").content.decode()
    assert "Android fix" in html and "10 → 2" in html
