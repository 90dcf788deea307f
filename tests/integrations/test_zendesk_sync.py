from __future__ import annotations

import psycopg2
import pytest
from django.db import connection

from feedback.models import FeedbackItem
from integrations import engine
from integrations.models import Connection, RejectedRecord, RunStatus

pytestmark = pytest.mark.django_db


def _seed(zendesk, n: int = 5) -> None:
    zendesk.organizations[501] = {
        "id": 501,
        "name": "Acme",
        "external_id": None,
        "domain_names": ["acme.example"],
    }
    for i in range(n):
        zendesk.add_ticket(
            subject=f"Reports broken {i}",
            description=f"Our report {i} fails",
            organization_id=501 if i % 2 == 0 else None,
        )


def _run(connector, sleep, policy, **kwargs):
    return engine.run_sync(connector, sleep=sleep, policy=policy, **kwargs)


def test_full_sync_stores_every_ticket_through_zenpy_pages(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk)
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.created, run.updated, run.rejected) == (5, 5, 0, 0)
    assert len(zendesk.calls_to("/api/v2/incremental/tickets/cursor.json")) == 3  # pages of 2, 2, 1
    item = FeedbackItem.objects.get(source="zendesk", external_id="1")
    assert item.account == accounts["acme"]  # organization 501 → the account with that Zendesk org id
    assert item.url == "https://acme.zendesk.com/agent/tickets/1"
    assert item.raw["subject"] == "Reports broken 0"
    assert "customer" in item.segment_snapshot
    assert FeedbackItem.objects.get(external_id="2").account is None
    assert Connection.objects.get(vendor="zendesk").cursor["after_cursor"]


def test_rerun_is_a_no_op_and_incremental_picks_up_only_changes(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk)
    _run(zendesk_connector(), sleep, policy)
    again = _run(zendesk_connector(), sleep, policy)
    assert (again.fetched, again.created, again.updated) == (0, 0, 0)
    zendesk.touch(3, description="Now the dashboard is slow too")
    zendesk.add_ticket(subject="New one", description="Need SSO")
    changed = _run(zendesk_connector(), sleep, policy)
    assert (changed.fetched, changed.created, changed.updated) == (2, 1, 1)
    assert FeedbackItem.objects.get(external_id="3").body == "Now the dashboard is slow too"
    assert FeedbackItem.objects.filter(source="zendesk").count() == 6


def test_429_with_retry_after_is_honoured_without_real_sleeping(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk, 3)
    zendesk.fail_next("/api/v2/incremental", 429, {"error": "TooManyRequests"}, {"Retry-After": "7"}, times=2)
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.SUCCEEDED and run.retries == 2
    assert sleep.waits == [7.0, 7.0]
    assert FeedbackItem.objects.filter(source="zendesk").count() == 3


def test_5xx_backs_off_with_jitter_then_gives_up(zendesk, zendesk_connector, accounts, sleep, policy):
    _seed(zendesk, 1)
    zendesk.fail_next("/api/v2/incremental", 500, {"error": "InternalError"}, times=10)
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.FAILED
    assert "gave up after 4 attempts" in run.error and "Zendesk 500" in run.error
    assert len(sleep.waits) == 3 and sleep.waits[0] < sleep.waits[1] < sleep.waits[2] <= 30
    assert Connection.objects.get(vendor="zendesk").last_error == run.error


def test_bad_credentials_fail_the_run_with_the_vendors_message(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk, 1)
    zendesk.fail_next("/api/v2/incremental", 401, {"error": "Couldn't authenticate you"})
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.FAILED and "Couldn't authenticate you" in run.error
    assert sleep.waits == []  # permanent: no retry
    assert not FeedbackItem.objects.exists()


def test_a_malformed_ticket_is_rejected_and_kept_while_the_page_is_stored(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk, 3)
    zendesk.add_ticket(subject="Broken", created_at="last tuesday")
    run = _run(zendesk_connector(), sleep, policy)
    assert (run.created, run.rejected) == (3, 1)
    rejected = RejectedRecord.objects.get()
    assert rejected.external_id == "4" and "created_at is not a date" in rejected.reason
    assert rejected.raw["subject"] == "Broken"


def test_empty_description_uses_the_first_public_comment(zendesk, zendesk_connector, accounts, sleep, policy):
    ticket = zendesk.add_ticket(subject="Via phone", description="")
    zendesk.comments[ticket["id"]] = [
        {"id": 1, "public": False, "body": "internal note", "plain_body": "internal note", "author_id": 2, "created_at": "2026-02-01T10:00:00Z"},
        {"id": 2, "public": True, "body": "<p>The export times out</p>", "plain_body": "The export times out", "author_id": 9, "created_at": "2026-02-01T10:01:00Z"},
    ]  # fmt: skip
    _run(zendesk_connector(), sleep, policy)
    assert FeedbackItem.objects.get(external_id=str(ticket["id"])).body == "The export times out"


def test_a_crash_between_pages_resumes_from_the_last_committed_cursor(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    _seed(zendesk, 5)
    connector = zendesk_connector()
    real_fetch = connector.fetch_page
    calls = {"n": 0}

    def dies_on_second_page(cursor):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")  # not a vendor error: nothing catches it
        return real_fetch(cursor)

    connector.fetch_page = dies_on_second_page
    with pytest.raises(KeyboardInterrupt):
        _run(connector, sleep, policy)
    assert (
        FeedbackItem.objects.filter(source="zendesk").count() == 2
    )  # the first page committed with its cursor
    resumed = _run(zendesk_connector(), sleep, policy)
    assert (resumed.fetched, resumed.created) == (3, 3)
    assert FeedbackItem.objects.filter(source="zendesk").count() == 5


def test_a_second_run_at_the_same_time_is_refused(zendesk, zendesk_connector, accounts, sleep, policy):
    _seed(zendesk, 1)
    conn = engine.get_connection("zendesk", "tickets")
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s)", [engine.lock_key(conn)]
            )  # another worker is syncing
        run = _run(zendesk_connector(), sleep, policy)
    finally:
        other.close()
    assert run.status == RunStatus.SKIPPED and "already syncing" in run.error
    assert not FeedbackItem.objects.exists()
    _wait_until_the_server_released(engine.lock_key(conn))
    assert (
        _run(zendesk_connector(), sleep, policy).status == RunStatus.SUCCEEDED
    )  # the lock went with its session


def _wait_until_the_server_released(key: int) -> None:
    """Closing a connection returns before its server process has let go of its locks: poll, bounded, each poll a
    real round trip (no fixed sleep)."""
    for _ in range(500):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
                return
    raise AssertionError("the closed session's advisory lock was never released")
