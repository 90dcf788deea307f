from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from readiness import selectors, services
from readiness.models import ChecklistItem, ReleaseStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def _items(*specs: tuple[int, bool, str]) -> list[ChecklistItem]:
    """(days from today the item is due, done?, category)"""
    return [
        ChecklistItem(
            title=f"i{n}",
            category=category,
            owner_role="PM",
            due_date=date.fromordinal(TODAY.toordinal() + days),
            done_at=datetime(2026, 3, 1, tzinfo=UTC) if done else None,
        )
        for n, (days, done, category) in enumerate(specs)
    ]


@override_settings(READINESS_WINDOW_DAYS=56)
def test_no_items_is_no_risk():
    readiness = selectors.readiness_of([], date(2026, 4, 1), TODAY)
    assert (readiness.percent, readiness.risk_score, readiness.risk) == (0, 0, "none")


@override_settings(READINESS_WINDOW_DAYS=56)
def test_overdue_and_due_within_a_week_boundaries():
    items = _items(
        (-1, False, "validation"),  # overdue
        (0, False, "validation"),  # due today: not overdue, due within a week
        (7, False, "enablement"),  # exactly a week: within
        (8, False, "enablement"),  # eight days: not within
        (-5, True, "enablement"),  # done items are never overdue
    )
    readiness = selectors.readiness_of(items, date(2026, 3, 30), TODAY)
    assert (readiness.total, readiness.done, readiness.percent) == (5, 1, 20)
    assert (readiness.overdue, readiness.due_within_week, readiness.days_to_launch) == (1, 2, 28)
    # 10*1 overdue + 3*2 due soon + 40 * 0.8 unfinished * 0.5 of the window elapsed
    assert readiness.risk_score == 10 + 6 + 16
    assert readiness.risk == "high"
    assert readiness.headline == "Launch in 28 days with 20% ready"
    categories = {c.key: (c.done, c.total, c.percent) for c in readiness.categories}
    assert categories == {"validation": (0, 2, 0), "enablement": (1, 3, 33)}


@override_settings(READINESS_WINDOW_DAYS=56)
def test_all_done_is_low_risk_and_far_launch_has_no_time_pressure():
    done = selectors.readiness_of(_items((3, True, "validation")), date(2026, 3, 5), TODAY)
    assert (done.percent, done.risk_score, done.risk) == (100, 0, "low")
    far = selectors.readiness_of(_items((60, False, "validation")), date(2026, 6, 1), TODAY)
    assert (far.risk_score, far.risk) == (0, "low")  # nothing done, but launch is beyond the window
    assert selectors.readiness_of(_items((0, False, "validation")), TODAY, TODAY).headline.startswith(
        "Launch today"
    )


@override_settings(READINESS_WINDOW_DAYS=56)
def test_one_overdue_item_two_weeks_out_is_high_risk():
    readiness = selectors.readiness_of(
        _items((-1, False, "validation"), (5, True, "x")), date(2026, 3, 16), TODAY
    )
    assert readiness.risk == "high"


def test_reminders_group_by_owner_and_are_never_sent_twice_a_day(make_release, people):
    release = make_release(launch=date(2026, 3, 20))
    services.checklist_open(release=release)
    release.checklist.update(due_date=date(2026, 3, 30))  # nothing due soon...
    pm_items = list(release.checklist.filter(owner=people["pm"])[:2])
    ops_item = release.checklist.filter(owner=people["ops"]).first()
    for item, due in [
        (pm_items[0], date(2026, 2, 27)),
        (pm_items[1], date(2026, 3, 5)),
        (ops_item, date(2026, 3, 4)),
    ]:
        ChecklistItem.objects.filter(pk=item.pk).update(due_date=due)  # ...but these three
    ChecklistItem.objects.filter(owner=people["csm"]).update(due_date=date(2026, 3, 6))  # four days: not yet

    assert services.reminders_send(today=TODAY) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ops1@localhost", "pm1@localhost"]
    pm_mail = next(m for m in mail.outbox if m.to == ["pm1@localhost"])
    assert "2 items need you (1 overdue)" in pm_mail.subject
    assert "OVERDUE since 2026-02-27" in pm_mail.body and "due 2026-03-05" in pm_mail.body

    assert services.reminders_send(today=TODAY) == 0  # same day: nothing again
    assert len(mail.outbox) == 2
    # next day: the two still open are reminded again, and the CSM's items (due 3/6) are now within three days
    assert services.reminders_send(today=date(2026, 3, 3)) == 3
    assert sorted(m.to[0] for m in mail.outbox[2:]) == ["csm1@localhost", "ops1@localhost", "pm1@localhost"]


def test_done_items_and_launched_releases_get_no_reminders(make_release, people):
    release = make_release(launch=date(2026, 3, 20))
    services.checklist_open(release=release)
    release.checklist.update(due_date=date(2026, 3, 1))
    for item in release.checklist.filter(needs_evidence=False):
        services.item_tick(item=item, actor=people["ops"])
    release.checklist.filter(needs_evidence=True).update(
        evidence_url="https://x.example/e", done_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert services.reminders_send(today=TODAY) == 0
    release.checklist.update(done_at=None)
    release.status = ReleaseStatus.LAUNCHED
    release.save()
    assert services.reminders_send(today=TODAY) == 0


@override_settings(READINESS_WINDOW_DAYS=56)
def test_a_failed_send_is_retried_for_that_owner_only(make_release, people):
    release = make_release(launch=date(2026, 3, 20))
    services.checklist_open(release=release)
    release.checklist.update(due_date=date(2026, 3, 30))
    for role_owner, due in [(people["pm"], date(2026, 3, 3)), (people["ops"], date(2026, 3, 4))]:
        item = release.checklist.filter(owner=role_owner).first()
        ChecklistItem.objects.filter(pk=item.pk).update(due_date=due)
    real_send = services.send_mail
    calls = iter([real_send, smtplib.SMTPServerDisconnected("gone")])

    def flaky(*args, **kwargs):
        step = next(calls)
        if isinstance(step, Exception):
            raise step
        return step(*args, **kwargs)

    with (
        mock.patch("readiness.services.send_mail", side_effect=flaky),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        services.reminders_send(today=TODAY)
    assert len(mail.outbox) == 1
    first = mail.outbox[0].to[0]
    # The retry sends only to the owner whose email failed: the first owner's claim was committed.
    assert services.reminders_send(today=TODAY) == 1
    assert [m.to[0] for m in mail.outbox] == [first, ({"pm1@localhost", "ops1@localhost"} - {first}).pop()]


def test_reminder_task_retries_transient_mail_errors():
    from readiness.tasks import send_reminders

    assert send_reminders.acks_late and send_reminders.max_retries == 3
    assert issubclass(smtplib.SMTPServerDisconnected, send_reminders.autoretry_for)
