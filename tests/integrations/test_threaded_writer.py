"""The writer threads: pages are stored side by side on connections of their own and commit strictly in page order."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from feedback.models import FeedbackItem
from integrations import engine
from integrations.models import Connection, RunStatus
from integrations.pipeline import OrderedWriter
from integrations.records import FeedbackRecord, Page

pytestmark = pytest.mark.django_db(transaction=True)  # the writers' connections see only committed rows


def test_a_sync_with_two_writers_stores_every_page_in_order_and_ends_on_the_last_cursor(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.organizations[501] = {"id": 501, "external_id": None, "domain_names": []}
    for i in range(9):
        zendesk.add_ticket(subject=f"Ticket {i}", description=f"Body {i}", organization_id=501)
    run = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, writers=2)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.created) == (9, 9)
    assert FeedbackItem.objects.filter(account=accounts["acme"]).count() == 9
    last_page = zendesk.calls_to("/api/v2/incremental/tickets/cursor.json")[-1]
    assert Connection.objects.get(vendor="zendesk").cursor[
        "after_cursor"
    ]  # the final page's cursor committed last
    assert last_page.query.get("cursor")
    rerun = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, writers=2)
    assert (rerun.created, rerun.updated) == (0, 0)


class ListConnector:
    """Serves fixed pages of records; a record is {"id", "body"}. For orderings no vendor fake produces on cue."""

    vendor, stream = "zendesk", "tickets"

    def __init__(self, pages: list[list[dict[str, str]]]) -> None:
        self.pages = pages

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        return {"page": 0}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        number = cursor["page"]
        return Page(self.pages[number], {"page": number + 1}, done=number + 1 == len(self.pages))

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        return FeedbackRecord(
            source="zendesk", external_id=raw["id"], kind="ticket", body=raw["body"],
            occurred_at=datetime(2026, 3, 1, tzinfo=UTC), raw=dict(raw),
        )  # fmt: skip


def test_a_record_in_consecutive_pages_ends_as_its_last_version(sleep, policy):
    # Page 3 reverts page 2's change. Were page 3 written beside page 2, it would compare against the first
    # version, find nothing changed, and leave page 2's text in place.
    first = engine.run_sync(
        ListConnector([[{"id": "7", "body": "v1"}]]), sleep=sleep, policy=policy, writers=2
    )
    assert first.status == RunStatus.SUCCEEDED, first.error
    pages = [
        [{"id": "8", "body": "other"}],
        [{"id": "7", "body": "v2"}, {"id": "9", "body": "x"}],
        [{"id": "7", "body": "v1"}],
    ]
    run = engine.run_sync(ListConnector(pages), full=True, sleep=sleep, policy=policy, writers=2)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert FeedbackItem.objects.get(external_id="7").body == "v1"
    assert (run.created, run.updated) == (2, 2)


def test_a_later_write_runs_beside_an_earlier_one_but_commits_after_it():
    writer = OrderedWriter(workers=2)
    second_started = threading.Event()
    order: list[str] = []

    def first(wait_turn: Any) -> None:
        # Returns True only if the second write began while this one was still open: they ran side by side.
        order.append(f"first saw second start: {second_started.wait(timeout=30)}")
        wait_turn()
        order.append("first commits")

    def second(wait_turn: Any) -> None:
        second_started.set()
        wait_turn()
        order.append("second commits")

    writer.submit(first)
    writer.submit(second)
    writer.close()
    assert order == ["first saw second start: True", "first commits", "second commits"]


def test_a_serial_write_starts_only_after_the_previous_one_committed():
    writer = OrderedWriter(workers=2)
    order: list[str] = []
    writer.submit(lambda wait_turn: (order.append("first starts"), wait_turn(), order.append("first ends")))
    writer.submit(lambda wait_turn: order.append("second starts"), serial=True)
    writer.close()
    assert order == ["first starts", "first ends", "second starts"]


def test_when_a_page_fails_the_pages_after_it_roll_back_and_the_error_surfaces():
    writer = OrderedWriter(workers=2)
    both_open = threading.Barrier(2, timeout=30)

    def store(external_id: str, *, fail: bool) -> Any:
        def write(wait_turn: Any) -> None:
            with transaction.atomic():
                FeedbackItem.objects.create(
                    source="zendesk", external_id=external_id, kind="ticket", occurred_at=datetime.now(UTC)
                )
                both_open.wait()  # both pages have written their rows, neither has committed
                if fail:
                    raise RuntimeError("disk full")
                wait_turn()

        return write

    writer.submit(store("1", fail=True))
    writer.submit(store("2", fail=False))
    with pytest.raises(RuntimeError, match="disk full"):
        writer.close()
    assert not FeedbackItem.objects.exists()


def test_an_error_surfaces_on_a_later_submit_and_nothing_after_it_runs():
    writer = OrderedWriter(workers=1)
    done: list[int] = []
    writer.submit(lambda wait_turn: done.append(1))

    def broken(wait_turn: Any) -> None:
        raise RuntimeError("disk full")

    writer.submit(broken)
    with pytest.raises(RuntimeError, match="disk full"):
        writer.submit(lambda wait_turn: (wait_turn(), done.append(3)))
    with pytest.raises(RuntimeError, match="disk full"):
        writer.close()
    assert done == [1]
