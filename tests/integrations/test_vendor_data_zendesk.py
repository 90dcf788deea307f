"""Zendesk records as the incremental export really serves them, through zenpy against the fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from feedback.models import Account, FeedbackItem
from integrations import engine
from integrations.models import RunStatus
from integrations.zendesk.connector import ZendeskSettings, ZendeskTickets
from simulators.zendesk import FakeZendesk

pytestmark = pytest.mark.django_db


def _run(connector, sleep, policy, **kwargs):
    return engine.run_sync(connector, sleep=sleep, policy=policy, **kwargs)


def test_a_deleted_ticket_leaves_the_store_and_is_never_counted(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    for n in range(3):
        zendesk.add_ticket(subject=f"Ticket {n}", organization_id=None)
    first = _run(zendesk_connector(), sleep, policy)
    assert first.created == 3
    zendesk.delete_ticket(2)  # Zendesk serves it again, with status "deleted"
    gone_before_seen = zendesk.add_ticket(subject="Spam")
    zendesk.delete_ticket(gone_before_seen["id"])
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(FeedbackItem.objects.filter(source="zendesk").values_list("external_id", flat=True)) == [
        "1",
        "3",
    ]
    assert (run.created, run.deleted) == (0, 1)


def test_an_account_with_an_empty_domain_is_not_the_match_for_every_record_without_one(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    Account.objects.create(name="No website", domain="", zendesk_org_id="777", lifecycle="customer")
    zendesk.organizations[777] = {"id": 777, "external_id": None, "domain_names": []}
    zendesk.add_ticket(subject="From the org", organization_id=777)
    zendesk.add_ticket(subject="From nobody in particular", organization_id=None)
    _run(zendesk_connector(), sleep, policy)
    assert FeedbackItem.objects.get(external_id="1").account.name == "No website"
    assert FeedbackItem.objects.get(external_id="2").account is None


def test_organizations_missing_from_the_sideload_are_fetched_in_batches_once_per_run(
    monkeypatch, accounts, sleep, policy
):
    fake = FakeZendesk(page_size=2, sideload_organizations=False).start()
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", f"127.0.0.1:{fake.port}")
    try:
        # Globex is known only by its domain: without the organization record, nothing links the ticket to it.
        fake.organizations[601] = {
            "id": 601,
            "name": "Globex",
            "external_id": None,
            "domain_names": ["globex.example"],
        }
        fake.organizations[602] = {"id": 602, "name": "Acme SF", "external_id": "001ACME", "domain_names": []}
        for n in range(4):
            fake.add_ticket(subject=f"Ticket {n}", organization_id=601 if n % 2 == 0 else 602)
        session = requests.Session()
        session.trust_env = False
        connector = ZendeskTickets(
            ZendeskSettings("acme", "ops@acme.test", "t", page_size=2), session=session
        )
        run = _run(connector, sleep, policy)
    finally:
        fake.stop()
    assert run.status == RunStatus.SUCCEEDED, run.error
    by_id = {i.external_id: i.account for i in FeedbackItem.objects.select_related("account")}
    assert by_id["1"] == accounts["globex"] and by_id["2"] == accounts["acme"]
    assert by_id["3"] == accounts["globex"] and by_id["4"] == accounts["acme"]
    show_many = fake.calls_to("/api/v2/organizations/show_many.json")
    assert len(show_many) == 1 and show_many[0].query["ids"] == [
        "601,602"
    ]  # the second page asked for nothing


def test_the_newest_version_of_a_ticket_wins_whatever_the_page_order(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.add_ticket(subject="One", description="old words")
    stale = dict(zendesk.tickets[0])
    zendesk.add_ticket(subject="Two")
    zendesk.touch(1, description="new words")
    zendesk.add_ticket(subject="Three")
    zendesk.serve_stale(stale)  # the older copy comes on the last page, after the newer one was stored
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert FeedbackItem.objects.get(external_id="1").body == "new words"


def test_retry_after_as_an_http_date_is_honoured_and_the_run_ends(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.add_ticket(subject="One")
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    zendesk.fail_next("/api/v2/incremental", 429, {"error": "TooManyRequests"}, {"Retry-After": when})
    run = _run(zendesk_connector(), sleep, policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.retries == 1 and 80 < sleep.waits[0] <= 90
    assert FeedbackItem.objects.filter(source="zendesk").count() == 1


def test_a_hanging_zendesk_times_out_and_the_run_fails(zendesk, accounts, sleep, policy, settings):
    settings.VENDOR_HTTP_TIMEOUT_SECONDS = 0.2
    zendesk.add_ticket(subject="One")
    zendesk.hang_next("/api/v2/incremental", times=10)
    session = requests.Session()
    session.trust_env = False
    connector = ZendeskTickets(ZendeskSettings("acme", "ops@acme.test", "t", page_size=2), session=session)
    run = _run(connector, sleep, policy)
    assert run.status == RunStatus.FAILED and "Zendesk timed out" in run.error and run.finished_at is not None
