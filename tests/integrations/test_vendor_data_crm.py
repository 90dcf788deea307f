"""Salesforce and Gong records as vendors really send them: notes on deals, null amounts and ARR, blocker names
that match no theme. Through simple-salesforce and httpx against the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback import segments
from feedback.models import Account, FeedbackItem, Opportunity, Theme
from feedback.services import theme_create, theme_update
from integrations import engine, registry
from integrations.models import RunStatus
from productops.roles import Role
from tests.integrations.conftest import NOW

pytestmark = pytest.mark.django_db


def _crm(sf) -> None:
    sf.add("Account", Id="001A", Name="Acme", Website="acme.example", Type="Customer", AnnualRevenue=120000)
    sf.add("Account", Id="001N", Name="Nullco", Website="nullco.example", Type="Customer", AnnualRevenue=None)
    sf.add("Opportunity", Id="006X", AccountId="001A", Name="Acme expansion", Amount=None, StageName="Negotiation",
           IsClosed=False, IsWon=False, CloseDate="2026-04-01", Type="Existing Business",
           Blocked_By_Feature__c="Reporting; Audit log ;SAML login")  # fmt: skip


def test_notes_and_tasks_on_a_deal_belong_to_the_deals_account(
    salesforce, connector, sleep, policy, client_for
):
    _crm(salesforce)
    salesforce.add("Note", Id="002N", Title="Exec call", Body="Needs SSO before signing", ParentId="006X",
                   CreatedDate="2026-02-02T09:00:00.000+0000")  # fmt: skip
    salesforce.add("Task", Id="00TA", Subject="QBR", Description="Wants exports", WhatId="006X", AccountId=None,
                   CreatedDate="2026-02-03T09:00:00.000+0000")  # fmt: skip
    run = engine.run_sync(connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    acme, deal = Account.objects.get(salesforce_id="001A"), Opportunity.objects.get(salesforce_id="006X")
    for external_id in ("002N", "00TA"):
        item = FeedbackItem.objects.get(external_id=external_id)
        assert (item.account, item.opportunity) == (acme, deal)
        assert "customer" in item.segment_snapshot
    assert FeedbackItem.objects.filter(segments.item_q("customer"), external_id="002N").exists()
    page = client_for(Role.PM).get(f"/feedback/accounts/{acme.pk}/").content.decode()
    assert "Exec call" in page and "QBR" in page


def test_a_gong_call_with_only_a_deal_in_context_belongs_to_the_deals_account(
    gong, gong_connector, accounts, sleep, policy
):
    gong.add_call("c1", "2026-02-20T10:00:00Z", opportunity="006DEAL", brief="Pricing came up")
    engine.run_sync(gong_connector(), sleep=sleep, policy=policy)
    call = FeedbackItem.objects.get(external_id="c1")
    assert (call.account, call.opportunity) == (accounts["globex"], accounts["deal"])


def test_unknown_amount_and_arr_are_stored_as_null_and_left_out_of_tiers_and_sums(
    salesforce, connector, sleep, policy, client_for, settings
):
    _crm(salesforce)
    settings.HIGH_PRIORITY_DEAL_AMOUNT = 0  # even a threshold of 0 is not reached by an unknown amount
    run = engine.run_sync(connector(), sleep=sleep, policy=policy)
    assert run.status == RunStatus.SUCCEEDED, run.error
    nullco = Account.objects.get(salesforce_id="001N")
    assert nullco.arr is None and Opportunity.objects.get(salesforce_id="006X").amount is None
    in_segment = {s.key: set(Account.objects.filter(segments.account_q(s.key))) for s in segments.segments()}
    assert nullco not in in_segment["arr_smb"] and nullco in in_segment["arr_unknown"]
    assert Account.objects.get(salesforce_id="001A") not in in_segment["high_priority_deal"]
    assert "arr_unknown" in segments.segments_of(nullco)
    page = client_for(Role.PM).get(f"/feedback/accounts/{nullco.pk}/").content.decode()
    assert "unknown" in page and "$0" not in page


def test_the_dashboard_says_how_many_accounts_its_arr_sum_leaves_out(client_for, accounts):
    accounts["acme"].arr = 100_000
    accounts["acme"].save()
    Account.objects.filter(pk=accounts["globex"].pk).update(arr=None)
    for n, account in enumerate((accounts["acme"], accounts["globex"])):
        FeedbackItem.objects.create(source="manual", external_id=f"m{n}", kind="manual", occurred_at=NOW,
                                    title="Reports", account=account)  # fmt: skip
    html = client_for(Role.PM).get("/feedback/").content.decode()
    assert "$100k" in html and "1 of 2 accounts unknown" in html


def test_blocker_names_are_kept_and_link_when_a_theme_appears_or_is_mapped(
    salesforce, connector, sleep, policy, client_for, make_user
):
    pm = make_user("pm1", Role.PM)
    Theme.objects.create(name="Reporting", slug="reporting")
    sso = Theme.objects.create(name="Single sign-on", slug="sso")
    _crm(salesforce)
    engine.run_sync(connector(), sleep=sleep, policy=policy)
    deal = Opportunity.objects.get(salesforce_id="006X")
    assert deal.blocker_names == ["Reporting", "Audit log", "SAML login"]
    assert list(deal.blocking_themes.values_list("name", flat=True)) == ["Reporting"]
    ops = client_for(Role.PRODUCT_OPS)
    page = ops.get("/integrations/").content.decode()
    assert "Audit log" in page and "SAML login" in page

    audit = theme_create(name="audit LOG", user=pm)  # a PM creates the theme: no re-sync needed
    assert set(deal.blocking_themes.all()) == {Theme.objects.get(slug="reporting"), audit}
    renamed = theme_create(name="Audit", user=pm)
    theme_update(
        theme=renamed, user=pm, name="Reporting and audit log"
    )  # a rename that still matches nothing
    assert deal.blocking_themes.count() == 2

    response = ops.post("/integrations/blockers/map/", {"name": "SAML login", "theme": sso.pk}, follow=True)
    assert "1 deal(s) linked" in response.content.decode()
    assert sso in deal.blocking_themes.all() and "SAML login" in Theme.objects.get(pk=sso.pk).aliases
    page = ops.get("/integrations/").content.decode()  # the message was shown on the redirect's page
    assert "SAML login" not in page and "Audit log" not in page
    bad = ops.post("/integrations/blockers/map/", {"name": "Whatever", "theme": 999_999})
    assert bad.status_code == 400 and "theme" in bad.content.decode()


def test_gong_full_reaches_back_gong_backfill_days(gong, accounts, sleep, policy, settings, monkeypatch):
    settings.GONG_ENABLED, settings.GONG_BASE_URL = True, gong.base_url
    settings.GONG_ACCESS_KEY, settings.GONG_ACCESS_KEY_SECRET = "k", "s"
    settings.GONG_BACKFILL_DAYS = 120
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    from datetime import UTC, datetime

    old = datetime.now(UTC) - timedelta(days=100)
    gong.add_call("old", old.isoformat(), account="001ACME")
    run = engine.run_sync(registry.connector_for("gong"), sleep=sleep, policy=policy, full=True)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert FeedbackItem.objects.filter(external_id="old").exists()
    since = engine.run_sync(
        registry.connector_for("gong"), sleep=sleep, policy=policy, since=old - timedelta(days=1)
    )
    assert since.fetched == 1


def test_the_bulk_threshold_setting_reaches_the_connector(salesforce, settings, monkeypatch):
    settings.SALESFORCE_ENABLED = True
    settings.SALESFORCE_INSTANCE_URL = salesforce.instance_url
    settings.SALESFORCE_ACCESS_TOKEN = "SESSION-1"
    settings.SALESFORCE_BULK_THRESHOLD = 1234
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", salesforce.ca_file)
    assert registry.connector_for("salesforce").bulk_threshold == 1234


def test_the_owner_without_a_full_name_shows_by_username(client_for, accounts, make_user):
    owner = make_user("dana.csm", Role.CSM, email="dana@example.com")
    owner.first_name = owner.last_name = ""
    owner.save()
    Account.objects.filter(pk=accounts["acme"].pk).update(owner_csm=owner)
    html = client_for(Role.PM).get(f"/feedback/accounts/{accounts['acme'].pk}/").content.decode()
    assert "dana.csm" in html


def test_the_unmatched_blockers_list_costs_the_same_queries_however_many_names(client_for, accounts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Theme.objects.create(name="Reporting", slug="reporting")
    client = client_for(Role.PRODUCT_OPS)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/integrations/").status_code == 200
        return len(queries)

    Opportunity.objects.filter(pk=accounts["deal"].pk).update(blocker_names=["One"])
    one = count()
    Opportunity.objects.filter(pk=accounts["deal"].pk).update(blocker_names=[f"Name {n}" for n in range(12)])
    assert count() == one


def test_a_blocker_naming_a_merged_theme_links_the_theme_it_was_merged_into(accounts, make_user):
    from feedback.blockers import deals_link_blockers
    from feedback.services import merge_themes

    pm = make_user("pm1", Role.PM)
    survivor, merged = theme_create(name="Reporting", user=pm), theme_create(name="Dashboards", user=pm)
    merge_themes(survivor=survivor, merged=merged, user=pm)
    Opportunity.objects.filter(pk=accounts["deal"].pk).update(blocker_names=["dashboards"])
    deals_link_blockers(opportunity_ids=[accounts["deal"].pk])
    assert list(accounts["deal"].blocking_themes.all()) == [survivor]


def test_feedback_logged_by_hand_on_an_account_with_unknown_arr_is_stored(client_for, accounts):
    Account.objects.filter(pk=accounts["acme"].pk).update(arr=None)
    response = client_for(Role.CSM).post(
        "/feedback/log/", {"account": "acme.example", "title": "Wants SSO", "body": "SAML please"}
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get(source="manual")
    assert item.arr_snapshot is None and "arr_unknown" in item.segment_snapshot
