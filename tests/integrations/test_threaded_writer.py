"""The writer-thread path: pages are written on their own connection, in order, while the next page is prepared."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackItem
from integrations import engine
from integrations.models import Connection, RunStatus
from integrations.pipeline import OrderedWriter

pytestmark = pytest.mark.django_db(
    transaction=True
)  # the writer thread's connection sees only committed rows


def test_a_threaded_sync_stores_every_page_in_order_and_ends_on_the_last_cursor(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.organizations[501] = {"id": 501, "external_id": None, "domain_names": []}
    for i in range(7):
        zendesk.add_ticket(subject=f"Ticket {i}", description=f"Body {i}", organization_id=501)
    run = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, threaded=True)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.created) == (7, 7)
    assert FeedbackItem.objects.filter(account=accounts["acme"]).count() == 7
    last_page = zendesk.calls_to("/api/v2/incremental/tickets/cursor.json")[-1]
    assert Connection.objects.get(vendor="zendesk").cursor[
        "after_cursor"
    ]  # the final page's cursor committed last
    assert last_page.query.get("cursor")
    rerun = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, threaded=True)
    assert (rerun.created, rerun.updated) == (0, 0)


def test_an_error_in_a_write_surfaces_on_the_next_submit():
    writer = OrderedWriter(threaded=True)
    done: list[int] = []
    writer.submit(lambda: done.append(1))

    def broken() -> None:
        raise RuntimeError("disk full")

    writer.submit(broken)
    with pytest.raises(RuntimeError, match="disk full"):
        writer.submit(lambda: done.append(3))
    writer.close()
    assert done == [1]
