from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from feedback.models import FeedbackItem, UsageMetric
from integrations import engine
from integrations.models import RejectedRecord, RunStatus
from integrations.nps.delighted import DelightedResponses
from integrations.pendo.connector import PendoUsage
from simulators.delighted_pendo import FakeDelighted, FakePendo

pytestmark = pytest.mark.django_db


@pytest.fixture
def delighted():
    fake = FakeDelighted().start()
    yield fake
    fake.stop()


@pytest.fixture
def pendo():
    fake = FakePendo().start()
    yield fake
    fake.stop()


def _delighted_connector(fake: FakeDelighted) -> DelightedResponses:
    client = httpx.Client(base_url=fake.base_url, auth=("key", ""), trust_env=False)
    return DelightedResponses(base_url=fake.base_url, api_key="key", per_page=2, client=client)


def test_delighted_pull_pages_and_resumes_from_the_newest_update(delighted, accounts, sleep, policy):
    delighted.add(1, 9, "a@acme.example", 1_770_000_000, comment="Great reports")
    delighted.add(2, 2, "b@globex.example", 1_770_000_100, comment="Too slow")
    delighted.add(3, "ten", "c@acme.example", 1_770_000_200)
    run = engine.run_sync(_delighted_connector(delighted), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.created, run.rejected) == (3, 2, 1)
    assert FeedbackItem.objects.get(external_id="delighted:2").account == accounts["globex"]
    assert "score must be a whole number" in RejectedRecord.objects.get().reason
    delighted.add(4, 7, "d@acme.example", 1_770_000_300)
    again = engine.run_sync(_delighted_connector(delighted), sleep=sleep, policy=policy)
    assert again.created == 1 and FeedbackItem.objects.filter(source="nps").count() == 3
    assert delighted.calls_to("/v1/survey_responses.json")[-1].query["updated_since"] == ["1770000200"]


def test_pendo_pull_stores_usage_and_keeps_unknown_accounts(pendo, accounts, sleep, policy):
    day = int(datetime(2026, 2, 27, tzinfo=UTC).timestamp() * 1000)
    pendo.rows = [
        {"accountId": "001ACME", "day": day, "numEvents": 420, "numMinutes": 95},
        {"accountId": "001NOPE", "day": day, "numEvents": 3, "numMinutes": 1},
    ]
    client = httpx.Client(base_url=pendo.base_url, headers={"X-Pendo-Integration-Key": "k"}, trust_env=False)
    connector = PendoUsage(
        base_url=pendo.base_url, integration_key="k", client=client, today=lambda: date(2026, 3, 2)
    )
    run = engine.run_sync(connector, sleep=sleep, policy=policy, since=datetime(2026, 2, 25, tzinfo=UTC))
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(UsageMetric.objects.values_list("metric", "value")) == [
        ("pendo_events", 420.0),
        ("pendo_minutes", 95.0),
    ]
    assert run.rejected == 2 and "no account matches 001NOPE" in RejectedRecord.objects.first().reason
    rerun = engine.run_sync(connector, sleep=sleep, policy=policy)
    assert (rerun.created, rerun.updated) == (0, 0)  # the overlap re-reads the last days and changes nothing
    assert RejectedRecord.objects.count() == 2  # rejected again, but kept once
