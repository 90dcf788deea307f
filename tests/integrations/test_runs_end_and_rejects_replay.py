"""A sync run ends in every failure mode, and rejected records replay through the same engine as a sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import psycopg2
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection as db_connection
from django.utils import timezone

from feedback.models import Account, FeedbackItem, Opportunity, Theme, UsageMetric
from integrations import engine, registry, services
from integrations.models import Connection, RejectedRecord, RunStatus, SyncRun
from integrations.usage import import_usage_csv
from productops.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error", [RuntimeError("a bug in a mapper"), SoftTimeLimitExceeded("soft time limit")]
)
def test_any_exception_fails_the_run_with_its_message_and_is_raised_again(
    zendesk, zendesk_connector, accounts, sleep, policy, error
):
    zendesk.add_ticket(subject="One")
    connector = zendesk_connector()

    def broken(cursor):
        raise error

    connector.fetch_page = broken
    with pytest.raises(type(error)):
        engine.run_sync(connector, sleep=sleep, policy=policy)
    run = SyncRun.objects.get()
    assert run.status == RunStatus.FAILED and str(error) in run.error and run.finished_at is not None
    assert Connection.objects.get(vendor="zendesk").last_error == run.error


def test_gong_retry_after_as_an_http_date(gong, gong_connector, accounts, sleep, policy):
    gong.add_call("c1", "2026-02-20T10:00:00Z")
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    gong.fail_next(
        "/v2/calls/extensive", 429, {"requestId": "r", "errors": ["slow down"]}, {"Retry-After": when}
    )
    run = engine.run_sync(gong_connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert 20 < sleep.waits[0] <= 30


def _gong_settings(settings, gong) -> None:
    settings.GONG_ENABLED, settings.GONG_BASE_URL = True, gong.base_url
    settings.GONG_ACCESS_KEY, settings.GONG_ACCESS_KEY_SECRET = "k", "s"


def test_a_hanging_gong_times_out_and_the_run_fails(gong, accounts, sleep, policy, settings):
    _gong_settings(settings, gong)
    settings.VENDOR_HTTP_TIMEOUT_SECONDS = 0.2
    gong.hang_next("/v2/calls/extensive", times=10)
    run = engine.run_sync(registry.connector_for("gong"), sleep=sleep, policy=policy)
    assert run.status == RunStatus.FAILED and "Gong timed out" in run.error and run.retries == 3


def test_a_hanging_salesforce_times_out_through_simple_salesforce(
    salesforce, sleep, policy, settings, monkeypatch
):
    settings.SALESFORCE_ENABLED = True
    settings.SALESFORCE_INSTANCE_URL = salesforce.instance_url
    settings.SALESFORCE_ACCESS_TOKEN = "SESSION-1"
    settings.VENDOR_HTTP_TIMEOUT_SECONDS = 0.2
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", salesforce.ca_file)
    salesforce.hang_next("/services/data/v59.0/query", times=10)
    run = engine.run_sync(registry.connector_for("salesforce"), sleep=sleep, policy=policy)
    assert run.status == RunStatus.FAILED and "Salesforce timed out" in run.error


def _hold_lock(conn: Connection):
    params = db_connection.settings_dict
    other = psycopg2.connect(
        dbname=params["NAME"], user=params["USER"], host=params["HOST"], port=params["PORT"] or 5432
    )
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [engine.lock_key(conn)])
    return other


def test_full_does_not_touch_the_cursor_of_a_sync_that_is_running(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.add_ticket(subject="One")
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    conn = Connection.objects.get(vendor="zendesk")
    before = conn.cursor
    other = _hold_lock(conn)
    try:
        run = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, full=True)
    finally:
        other.close()
    assert run.status == RunStatus.SKIPPED
    assert Connection.objects.get(pk=conn.pk).cursor == before


def test_runs_left_running_by_a_dead_worker_are_failed(zendesk, zendesk_connector, accounts, sleep, policy):
    conn = engine.get_connection("zendesk", "tickets")
    long_ago = timezone.now() - timedelta(hours=3)
    dead = SyncRun.objects.create(connection=conn, heartbeat_at=long_ago)
    alive = SyncRun.objects.create(connection=conn, heartbeat_at=timezone.now())
    assert services.runs_fail_stale() == 1
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "stopped" in dead.error
    # The next run holds the lock, so any other run still marked running lost its worker.
    run = engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    alive.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and alive.status == RunStatus.FAILED


def test_a_rejected_deal_replays_from_its_original_payload_once_its_account_exists(
    salesforce, sleep, policy, settings, monkeypatch, client_for
):
    settings.SALESFORCE_ENABLED = True
    settings.SALESFORCE_INSTANCE_URL = salesforce.instance_url
    settings.SALESFORCE_ACCESS_TOKEN = "SESSION-1"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", salesforce.ca_file)
    Theme.objects.create(name="Reporting", slug="reporting")
    salesforce.add("Opportunity", Id="006Z", AccountId="001LATE", Name="Early deal", Amount=5000,
                   IsClosed=False, IsWon=False, Blocked_By_Feature__c="Reporting")  # fmt: skip
    first = engine.run_sync(registry.connector_for("salesforce"), sleep=sleep, policy=policy)
    reject = RejectedRecord.objects.get()
    assert first.rejected == 1 and reject.external_id == "006Z" and reject.raw["Amount"] == 5000
    Account.objects.create(name="Late", salesforce_id="001LATE")
    conn = Connection.objects.get(vendor="salesforce")
    response = client_for(Role.PRODUCT_OPS).post(f"/integrations/connections/{conn.pk}/retry/", follow=True)
    assert "1 stored; 0 still rejected" in response.content.decode()
    deal = Opportunity.objects.get(salesforce_id="006Z")
    assert deal.amount == 5000 and list(deal.blocking_themes.values_list("slug", flat=True)) == ["reporting"]
    retry = SyncRun.objects.get(trigger="retry")
    assert (retry.status, retry.fetched, retry.created, retry.rejected) == (RunStatus.SUCCEEDED, 1, 1, 0)
    assert RejectedRecord.objects.get().resolved_at is not None
    assert Connection.objects.get(pk=conn.pk).cursor == first.cursor_after  # a replay moves no cursor


def test_a_later_sync_that_stores_the_record_closes_its_reject(
    zendesk, zendesk_connector, accounts, sleep, policy
):
    zendesk.add_ticket(subject="Broken date", created_at="last tuesday")
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    assert RejectedRecord.objects.filter(resolved_at__isnull=True).count() == 1
    zendesk.touch(1, created_at="2026-02-01T10:00:00Z")  # fixed at the vendor
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    assert FeedbackItem.objects.filter(external_id="1").exists()
    assert RejectedRecord.objects.get().resolved_at is not None


def test_a_record_without_an_id_gets_one_and_does_not_pile_up(gong, gong_connector, accounts, sleep, policy):
    broken = gong.add_call("broken", "2026-02-21T10:00:00Z")
    broken["metaData"]["id"] = None
    for _ in range(3):
        engine.run_sync(gong_connector(), sleep=sleep, policy=policy, full=True)
    reject = RejectedRecord.objects.get()
    assert reject.external_id.startswith("payload:") and reject.resolved_at is None


def test_usage_rejects_retry_too(accounts):
    data = b"account_external_id,metric,date,value\nnew.example,active_users,2026-03-01,12\n"
    run = import_usage_csv(data)
    assert run.rejected == 1 and "no account matches new.example" in RejectedRecord.objects.get().reason
    Account.objects.create(name="New", domain="new.example")
    retry = services.rejected_retry(connection=Connection.objects.get(vendor="usage"))
    assert (retry.created, retry.rejected) == (1, 0)
    assert UsageMetric.objects.get().value == 12 and RejectedRecord.objects.get().resolved_at is not None
    assert import_usage_csv(data).created == 0  # the same row again: the one upsert changes nothing


def test_an_empty_account_key_in_a_usage_csv_matches_no_account(accounts):
    Account.objects.create(name="No domain", domain="")
    run = import_usage_csv(b"account_external_id,metric,date,value\n,active_users,2026-03-01,12\n")
    assert run.rejected == 1 and not UsageMetric.objects.exists()
