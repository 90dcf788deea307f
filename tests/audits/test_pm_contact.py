"""PM customer contact from Gong call participants, matched to portal users by email, from the raw payload."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from audits.inbound_selectors import falls_two_months_in_a_row, month_starts, pm_customer_contact
from feedback.models import FeedbackItem
from integrations.gong.connector import GongCalls, GongSettings
from simulators.gong import FakeGong


def _store(call: dict) -> FeedbackItem:
    """Map a fake Gong call with the real connector and keep it as the sync does (raw payload included)."""
    record = GongCalls(GongSettings("http://127.0.0.1:1", "k", "s")).map_record(call)
    return FeedbackItem.objects.create(
        source=record.source, external_id=record.external_id, kind=record.kind, title=record.title,
        body=record.body, occurred_at=record.occurred_at, raw=record.raw,
    )  # fmt: skip


def _party(email: str | None, affiliation: str = "Internal") -> dict:
    party = {"id": "x", "name": "someone", "affiliation": affiliation, "methods": ["Invitee"]}
    if email is not None:
        party["emailAddress"] = email
    return party


@pytest.fixture
def gong_calls(people):
    fake = FakeGong()
    plan = [
        # (call id, started, participants)
        ("c1", "2025-12-03T10:00:00Z", ["pm1@example.com", "pm2@example.com"]),
        ("c2", "2025-12-09T10:00:00Z", ["PM1@EXAMPLE.COM"]),  # case does not matter
        ("c3", "2025-12-15T10:00:00Z", ["pm1@example.com"]),
        ("c4", "2026-01-05T10:00:00Z", ["pm1@example.com", "pm1@example.com"]),  # listed twice: one call
        ("c5", "2026-01-20T10:00:00Z", ["pm1@example.com", "pm3@example.com"]),
        ("c6", "2026-02-11T10:00:00Z", ["pm1@example.com", "pm2@example.com"]),
        ("c7", "2026-02-12T10:00:00Z", ["pm2@example.com", None]),  # a party without an email
        ("c8", "2026-03-01T10:00:00Z", ["pm1@example.com"]),  # the current month: not complete, not counted
        ("c9", "2025-06-01T10:00:00Z", ["pm1@example.com"]),  # before the window
    ]
    for call_id, started, emails in plan:
        call = fake.add_call(call_id, started)
        call["parties"] = [_party(e) for e in emails] + [_party("buyer@customer.example", "External")]
        _store(call)
    # A Gong item without parties in its raw payload, and a non-Gong item naming a PM: neither counts.
    call = fake.add_call("c10", "2026-02-01T10:00:00Z")
    del call["parties"]
    _store(call)
    FeedbackItem.objects.create(
        source="zendesk", external_id="z1", kind="ticket", occurred_at=datetime(2026, 2, 2, tzinfo=UTC),
        raw={"parties": [{"emailAddress": "pm1@example.com"}]},
    )  # fmt: skip


def test_month_starts_are_complete_months():
    assert month_starts(date(2026, 3, 2), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_counts_per_pm_per_month_from_gong_participants(gong_calls, people):
    contact = pm_customer_contact(today=date(2026, 3, 2), months=3, internal_shares={people["pm"].pk: 25.0})
    rows = {row.user.username: row for row in contact["rows"]}
    assert contact["labels"] == ["Dec 2025", "Jan 2026", "Feb 2026"]
    assert rows["pm1"].months == [3, 2, 1]
    assert rows["pm2"].months == [1, 0, 2]
    assert rows["pm3"].months == [0, 1, 0]  # PM3@example.com in the portal, pm3@example.com in Gong
    assert rows["pm1"].falling and not rows["pm2"].falling and not rows["pm3"].falling
    assert [r.user.username for r in contact["flagged"]] == ["pm1"]
    assert rows["pm1"].internal_share == 25.0 and rows["pm2"].internal_share is None


def test_falls_two_months_in_a_row():
    assert falls_two_months_in_a_row([5, 4, 3])
    assert falls_two_months_in_a_row([1, 9, 5, 2])
    assert not falls_two_months_in_a_row([5, 4, 4])  # flat is not a fall
    assert not falls_two_months_in_a_row([3, 4, 3])
    assert not falls_two_months_in_a_row([4, 3])


def test_counts_are_cached_for_complete_months(gong_calls, people, settings, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    settings.AUDITS_CONTACT_CACHE_SECONDS = 60
    first = pm_customer_contact(today=date(2026, 3, 2), months=3)
    with django_assert_num_queries(1):  # the PMs; the Gong payloads are not read again
        second = pm_customer_contact(today=date(2026, 3, 2), months=3)
    assert [r.months for r in first["rows"]] == [r.months for r in second["rows"]]
    cache.clear()
