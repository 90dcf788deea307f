from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback.models import Account, FeedbackItem, Opportunity, Theme
from integrations import engine, registry
from integrations.models import RejectedRecord, RunStatus
from productops.roles import Role
from simulators.salesforce import FakeSalesforce

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 2, 10, tzinfo=UTC)


def _owner(email: str) -> dict:
    """A relationship field as REST returns it: the related record, nested."""
    return {"attributes": {"type": "User", "url": "/services/data/v59.0/sobjects/User/005"}, "Email": email}


def _seed(sf: FakeSalesforce) -> None:
    sf.add(
        "Account",
        Id="001A",
        Name="Acme",
        Website="https://www.acme.example/",
        Type="Customer - Direct",
        AnnualRevenue=120000,
        Industry="Retail",
        OwnerId="005DANA",
        Owner=_owner("Dana.CSM@Example.com"),
    )
    sf.add("Account", Id="001B", Name="Beta", Website="beta.example", Type="Prospect", AnnualRevenue=None,
           OwnerId="005SAM", Owner=_owner("sam@elsewhere.example"))  # fmt: skip
    sf.add("Account", Id="001C", Name="Gone", Type="Former Customer", AnnualRevenue=5000)
    sf.add("Opportunity", Id="006X", AccountId="001A", Name="Acme expansion", Amount=90000, StageName="Negotiation",
           IsClosed=False, IsWon=False, CloseDate="2026-04-01", Type="Existing Business", Blocked_By_Feature__c="Reporting;SSO")  # fmt: skip
    sf.add(
        "Opportunity",
        Id="006Y",
        AccountId="001B",
        Name="Beta new",
        Amount=20000,
        StageName="Closed Won",
        IsClosed=True,
        IsWon=True,
        CloseDate="2026-01-15",
        Type="New Business",
    )
    sf.add(
        "Task",
        Id="00TA",
        Subject="QBR notes",
        Description="They need scheduled reports",
        WhatId="006X",
        AccountId="001A",
        CreatedDate="2026-02-01T09:00:00.000+0000",
    )
    sf.add("Case", Id="500C", Subject="Export broken", Description="CSV export stops at 10,000 rows", AccountId="001A", CreatedDate="2026-02-03T09:00:00.000+0000")  # fmt: skip
    sf.add("ContentNote", Id="069D", Title="Discovery notes", TextPreview="Wants an audit log", CreatedDate="2026-02-04T09:00:00.000+0000")  # fmt: skip
    sf.objects["ContentDocumentLink"].append({"ContentDocumentId": "069D", "LinkedEntityId": "005USER"})
    sf.objects["ContentDocumentLink"].append({"ContentDocumentId": "069D", "LinkedEntityId": "006X"})
    sf.add(
        "Note",
        Id="002N",
        Title="Exec call",
        Body="SSO is a blocker for security",
        ParentId="001B",
        CreatedDate="2026-02-02T09:00:00.000+0000",
    )


def test_full_sync_builds_accounts_deals_and_feedback(salesforce, connector, sleep, policy, make_user):
    dana = make_user("dana", Role.CSM, email="dana.csm@example.com")
    Theme.objects.create(name="Reporting", slug="reporting")
    Theme.objects.create(name="SSO", slug="sso")
    _seed(salesforce)
    run = engine.run_sync(connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    acme = Account.objects.get(salesforce_id="001A")
    assert (acme.name, acme.domain, acme.lifecycle, acme.arr) == ("Acme", "acme.example", "customer", 120000)
    assert (
        acme.owner_csm == dana
    )  # the Salesforce owner is a portal user (emails compared case-insensitively)
    assert Account.objects.get(salesforce_id="001B").owner_csm is None  # an owner who is not a portal user
    assert Account.objects.get(salesforce_id="001C").lifecycle == "churned"
    deal = Opportunity.objects.get(salesforce_id="006X")
    assert (deal.account, deal.status, deal.opportunity_type) == (acme, "open", "expansion")
    assert sorted(deal.blocking_themes.values_list("name", flat=True)) == ["Reporting", "SSO"]
    assert Opportunity.objects.get(salesforce_id="006Y").status == "won"
    task = FeedbackItem.objects.get(source="salesforce", external_id="00TA")
    assert (task.account, task.opportunity, task.body) == (acme, deal, "They need scheduled reports")
    assert FeedbackItem.objects.get(external_id="002N").account.name == "Beta"
    case = FeedbackItem.objects.get(external_id="500C")
    assert (case.kind, case.account) == ("ticket", acme)
    content_note = FeedbackItem.objects.get(external_id="069D")
    assert (content_note.body, content_note.opportunity) == (
        "Wants an audit log",
        deal,
    )  # linked via ContentDocumentLink
    queries = salesforce.calls_to("/services/data/v59.0/query")
    assert any("SystemModstamp >= 1970-01-01T00:00:00" in q.query.get("q", [""])[0] for q in queries)
    assert any(
        q.path.startswith("/services/data/v59.0/query/01gFAKE") for q in queries
    )  # nextRecordsUrl followed


def test_incremental_rerun_changes_nothing_and_picks_up_edits_and_deletions(
    salesforce, connector, sleep, policy
):
    _seed(salesforce)
    engine.run_sync(connector(), sleep=sleep, policy=policy)
    again = engine.run_sync(connector(), sleep=sleep, policy=policy)
    assert (again.created, again.updated) == (0, 0)
    salesforce.modify("Task", "00TA", Description="Reports AND exports now")
    salesforce.delete("Note", "002N", "2026-02-10T12:00:00.000+0000")  # after the last run's deletion window
    changed = engine.run_sync(connector(NOW + timedelta(days=1)), sleep=sleep, policy=policy)
    assert changed.status == RunStatus.SUCCEEDED, changed.error
    assert changed.updated >= 1 and changed.created == 0
    assert FeedbackItem.objects.get(external_id="00TA").body == "Reports AND exports now"
    assert not FeedbackItem.objects.filter(external_id="002N").exists()


def test_an_expired_session_logs_in_again_and_the_limit_403_is_retried(salesforce, connector, sleep, policy):
    _seed(salesforce)
    sync = connector()
    salesforce.sessions.clear()  # the session the connector holds has expired
    salesforce.fail_next(
        "/services/data/v59.0/query",
        403,
        [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    )
    run = engine.run_sync(sync, sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.retries == 2 and sleep.waits[0] == 0
    assert Account.objects.count() == 3


def test_a_permission_403_fails_the_run(salesforce, connector, sleep, policy):
    _seed(salesforce)
    salesforce.fail_next(
        "/services/data/v59.0/query",
        403,
        [{"message": "Insufficient access", "errorCode": "INSUFFICIENT_ACCESS"}],
    )
    run = engine.run_sync(connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.FAILED and "INSUFFICIENT_ACCESS" in run.error and sleep.waits == []


def test_a_deal_for_an_unknown_account_and_a_bad_amount_are_kept(salesforce, connector, sleep, policy):
    _seed(salesforce)
    salesforce.add(
        "Opportunity", Id="006Z", AccountId="001NOPE", Name="Orphan", Amount=1, IsClosed=False, IsWon=False
    )
    salesforce.add(
        "Opportunity", Id="006W", AccountId="001A", Name="Weird", Amount="lots", IsClosed=False, IsWon=False
    )
    run = engine.run_sync(connector(), sleep=sleep, policy=policy)
    reasons = dict(RejectedRecord.objects.values_list("external_id", "reason"))
    assert (
        "001NOPE is not in the store yet" in reasons["006Z"] and "Amount is not a number" in reasons["006W"]
    )
    assert run.rejected == 2 and Opportunity.objects.count() == 2


def test_a_big_backfill_goes_through_bulk_api_2(salesforce, connector, sleep, policy, make_user):
    dana = make_user("dana", Role.CSM, email="dana.csm@example.com")
    _seed(salesforce)
    for n in range(5):
        salesforce.add("Account", Id=f"001BULK{n}", Name=f"Bulk {n}", Type="Customer", AnnualRevenue=1000 + n,
                       Owner=_owner("dana.csm@example.com"))  # fmt: skip
    sync = connector()
    sync.bulk_threshold, sync.bulk_page_size, sync.bulk_poll_seconds = (
        4,
        3,
        0,
    )  # 8 accounts > 4: use Bulk API 2.0
    run = engine.run_sync(sync, sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert Account.objects.count() == 8 and Account.objects.get(salesforce_id="001BULK4").arr == 1004
    assert Account.objects.get(salesforce_id="001BULK4").owner_csm == dana  # the CSV's Owner.Email column
    assert Account.objects.get(salesforce_id="001B").arr is None  # an empty CSV cell is unknown, not an error
    results = salesforce.calls_to("/services/data/v59.0/jobs/query/750FAKE0/results")
    assert len(results) == 3  # pages of 3 followed by Sforce-Locator until it says null
    assert Opportunity.objects.get(salesforce_id="006X").status == "open"  # small objects stay on REST


def test_an_owner_who_is_not_a_portal_user_leaves_the_portals_choice_alone(
    salesforce, connector, sleep, policy, make_user
):
    dana = make_user("dana", Role.CSM, email="dana.csm@example.com")
    _seed(salesforce)
    engine.run_sync(connector(), sleep=sleep, policy=policy)
    Account.objects.filter(salesforce_id="001B").update(owner_csm=dana)  # assigned by hand in the portal
    salesforce.modify("Account", "001B", Name="Beta Inc")
    salesforce.modify("Account", "001A", Owner=_owner("sam@elsewhere.example"))
    run = engine.run_sync(connector(NOW + timedelta(days=1)), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    beta, acme = Account.objects.get(salesforce_id="001B"), Account.objects.get(salesforce_id="001A")
    assert (beta.name, beta.owner_csm) == ("Beta Inc", dana)
    assert acme.owner_csm == dana


def test_an_access_token_from_the_settings_syncs_through_the_registry(
    salesforce, sleep, policy, settings, monkeypatch
):
    # How `make run` reaches the fake from `simulators.serve`: a token for an instance URL, the fake's CA trusted
    # through REQUESTS_CA_BUNDLE as requests reads it.
    settings.SALESFORCE_ENABLED = True
    settings.SALESFORCE_INSTANCE_URL = salesforce.instance_url
    settings.SALESFORCE_ACCESS_TOKEN = "SESSION-1"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", salesforce.ca_file)
    _seed(salesforce)
    run = engine.run_sync(registry.connector_for("salesforce"), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert Account.objects.count() == 3 and FeedbackItem.objects.filter(source="salesforce").count() == 4

    salesforce.sessions.clear()  # the token expired: it cannot log in again, so the run fails and says why
    failed = engine.run_sync(registry.connector_for("salesforce"), sleep=sleep, policy=policy)
    assert failed.status == RunStatus.FAILED and "INVALID_SESSION_ID" in failed.error
