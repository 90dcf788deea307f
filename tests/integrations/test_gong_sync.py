from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.models import FeedbackItem
from integrations import engine
from integrations.models import RejectedRecord, RunStatus
from tests.integrations.conftest import NOW

pytestmark = pytest.mark.django_db


def _brief(**content):
    return {
        "brief": "Customer wants scheduled reports.",
        "keyPoints": [{"text": "Exports time out"}],
        **content,
    }


def test_calls_join_accounts_and_deals_through_the_salesforce_context(
    gong, gong_connector, accounts, sleep, policy
):
    gong.add_call("c1", "2026-02-20T10:00:00Z", account="001GLOBEX", opportunity="006DEAL",
                  trackers=[{"id": "t", "name": "Competitor mention", "count": 2, "occurrences": []}],
                  topics=[{"name": "Pricing", "duration": 120}], **_brief())  # fmt: skip
    gong.add_call(
        "c2", int((NOW - timedelta(days=3)).timestamp()), account="001ACME", **_brief()
    )  # epoch start
    gong.add_call("c3", "2026-02-25T09:00:00Z")
    run = engine.run_sync(gong_connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.created) == (3, 3)
    assert len(gong.calls_to("/v2/calls/extensive")) == 2  # two pages via the cursor at the top level
    first = gong.calls_to("/v2/calls/extensive")[0].json()
    assert first["contentSelector"]["exposedFields"]["content"]["trackers"] is True
    call = FeedbackItem.objects.get(source="gong", external_id="c1")
    assert call.account == accounts["globex"] and call.opportunity == accounts["deal"]
    assert (
        "Exports time out" in call.body
        and "Trackers: Competitor mention." in call.body
        and "Topics: Pricing." in call.body
    )
    assert FeedbackItem.objects.get(external_id="c2").account == accounts["acme"]


def test_a_late_processed_call_is_caught_by_the_lookback_and_not_duplicated(
    gong, gong_connector, accounts, sleep, policy
):
    gong.add_call("early", "2026-03-01T10:00:00Z", account="001ACME")
    gong.add_call("late", "2026-03-02T09:00:00Z", account="001ACME", processed=False)
    engine.run_sync(gong_connector(NOW), sleep=sleep, policy=policy)
    assert list(FeedbackItem.objects.values_list("external_id", flat=True)) == ["early"]
    gong.process("late")
    later = engine.run_sync(gong_connector(NOW + timedelta(hours=6)), sleep=sleep, policy=policy)
    assert later.created == 1  # "late" started before the previous window's end, inside the 48 h look-back
    assert sorted(FeedbackItem.objects.values_list("external_id", flat=True)) == ["early", "late"]
    assert later.fetched == 2 and later.updated == 0  # "early" came again in the overlap and changed nothing


def test_an_empty_window_404_is_not_an_error(gong, gong_connector, accounts, sleep, policy):
    run = engine.run_sync(gong_connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED and run.fetched == 0


def test_gong_429_and_401(gong, gong_connector, accounts, sleep, policy):
    gong.add_call("c1", "2026-02-20T10:00:00Z")
    gong.fail_next(
        "/v2/calls/extensive", 429, {"requestId": "r", "errors": ["Too many requests"]}, {"Retry-After": "3"}
    )
    assert engine.run_sync(gong_connector(), sleep=sleep, policy=policy).status == RunStatus.SUCCEEDED
    assert sleep.waits == [3.0]
    gong.fail_next("/v2/calls/extensive", 401, {"requestId": "r", "errors": ["Unauthorized: bad access key"]})
    failed = engine.run_sync(gong_connector(), sleep=sleep, policy=policy, full=True)
    assert failed.status == RunStatus.FAILED and "bad access key" in failed.error


def test_a_malformed_call_is_rejected_and_kept_while_the_page_is_stored(
    gong, gong_connector, accounts, sleep, policy
):
    gong.add_call("ok", "2026-02-20T10:00:00Z")
    broken = gong.add_call("broken", "2026-02-21T10:00:00Z")
    broken["metaData"]["id"] = None
    run = engine.run_sync(gong_connector(), sleep=sleep, policy=policy)
    assert (run.created, run.rejected) == (1, 1)
    kept = RejectedRecord.objects.get()
    assert kept.reason == "id is missing" and kept.raw["metaData"]["title"] == "Call broken"
