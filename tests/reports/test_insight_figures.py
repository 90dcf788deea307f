"""Each figure of the insight report against the hand-computed store in insight_store.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from feedback.models import Account, Lifecycle, Opportunity
from reports import insight
from reports.insight_score import default_weights, rank
from tests.reports.insight_store import TODAY, at, build, deal, nullable, say


@pytest.fixture
def store(db):
    return build()


def figures(store, *names: str, days: int = 180):
    themes = [store.themes[name] for name in names]
    data = insight.compute(themes, insight.Window.ending(TODAY, days))
    return {row["name"]: row for row in data["themes"]}


def test_open_pipeline_counts_a_deal_blocked_by_two_themes_once_in_each(store):
    rows = figures(store, "reporting", "sso", "export")
    r, s, e = rows["Reporting"]["pipeline"], rows["SSO"]["pipeline"], rows["Export"]["pipeline"]
    # d1 (50k) blocks both; d2 (20k) only Reporting; d6 (5k) only SSO.
    assert (Decimal(r["amount"]), r["count"]) == (Decimal(70_000), 2)
    assert (Decimal(s["amount"]), s["count"]) == (Decimal(55_000), 2)
    assert (Decimal(e["amount"]), e["count"], e["unknown"]) == (Decimal(0), 0, 0)


def test_closed_deals_never_count_as_open_pipeline(store):
    r = figures(store, "reporting", "sso")["Reporting"]["pipeline"]
    assert "Closed Lost" not in dict(r["stages"])  # d3, 70k lost, blocks Reporting
    assert Decimal(r["amount"]) == Decimal(70_000)


def test_pipeline_stages_and_close_dates(store):
    rows = figures(store, "reporting", "sso")
    r, s = rows["Reporting"]["pipeline"], rows["SSO"]["pipeline"]
    assert r["stages"] == [["Discovery", 1], ["Proposal", 1]]
    assert (r["nearest_close"], r["overdue"]) == ("2026-07-15", 0)
    assert (s["nearest_close"], s["overdue"]) == ("2026-07-15", 1)  # d6 closed on paper 06-01, still open


def test_installed_base_and_arr_at_risk_count_each_account_once_per_column(store):
    rows = figures(store, "reporting", "sso")
    r = rows["Reporting"]
    # acme (paying, churn risk, four items) is in both columns once; beta paying only; gamma prospect; gone churned.
    assert r["installed"] == {"arr": "140000.00", "accounts": 2, "unknown": 0}
    assert r["at_risk"] == {"arr": "100000.00", "accounts": 1, "unknown": 0}
    assert r["accounts"] == 4
    assert rows["SSO"]["installed"] == {"arr": "140000.00", "accounts": 2, "unknown": 0}


def test_customer_pain_in_the_window(store):
    rows = figures(store, "reporting", "sso", "export")
    r, s, e = rows["Reporting"], rows["SSO"], rows["Export"]
    assert (r["pain"]["calls"], r["call_accounts"], r["pain"]["tickets"]) == (3, 2, 2)
    assert (r["pain"]["nps_answers"], r["pain"]["detractors"], r["pain"]["detractor_share"]) == (2, 1, 50.0)
    assert r["pain"]["mentions"] == 7  # the call before the window and the untagged ticket are not counted
    assert (
        s["pain"]["calls"],
        s["pain"]["tickets"],
        s["pain"]["detractors"],
        s["pain"]["detractor_share"],
    ) == (
        0,
        1,
        2,
        100.0,
    )
    assert (e["pain"]["tickets"], e["accounts"], e["installed"]["accounts"]) == (1, 0, 0)


def test_trend_over_the_window_by_month_and_by_half(store):
    window = insight.Window.ending(TODAY, 180)
    assert window.start == date(2026, 1, 2) and window.midpoint == date(2026, 4, 2)
    r = figures(store, "reporting", "sso")["Reporting"]
    # months Jan..Jun: calls in Feb, May, Jun
    assert r["pain"]["series"]["calls"] == [0, 1, 0, 0, 1, 1]
    assert r["pain"]["halves"]["calls"] == [1, 2]
    assert r["pain"]["change"]["calls"] == 100.0
    assert r["pain"]["series"]["mentions"] == [0, 1, 1, 2, 1, 2]


def test_a_short_window_is_weekly_and_leaves_out_older_items(store):
    r = figures(store, "reporting", "sso", days=30)["Reporting"]
    assert (r["pain"]["calls"], r["pain"]["tickets"], r["pain"]["detractors"]) == (1, 1, 0)
    assert len(r["pain"]["series"]["calls"]) == len(insight.Window.ending(TODAY, 30).buckets())


def test_usage_signal_of_the_accounts_that_asked(store):
    from feedback.models import UsageMetric

    acme = store.accounts["acme"]
    # The last four weeks up to the end of the window (06-09 .. 06-30) against the four before (05-12 .. 06-02).
    recent = [date(2026, 6, 30), date(2026, 6, 23), date(2026, 6, 16), date(2026, 6, 9)]
    before = [date(2026, 6, 2), date(2026, 5, 26), date(2026, 5, 19), date(2026, 5, 12)]
    for day in recent:
        UsageMetric.objects.create(account=acme, metric="active_users", date=day, value=60)
    for day in before:
        UsageMetric.objects.create(account=acme, metric="active_users", date=day, value=100)
    UsageMetric.objects.create(account=acme, metric="logins", date=date(2026, 6, 30), value=1)  # other metric
    r = figures(store, "reporting", "sso")["Reporting"]["usage"]
    assert (r["accounts"], r["change"], r["declining"]) == (1, -40.0, 1)


def test_score_terms_with_the_default_weights(store, settings):
    data = figures(store, "reporting", "sso", "export")
    ranked = rank(list(data.values()), default_weights())
    assert [(row["name"], row["score"]) for row in ranked] == [
        ("Reporting", Decimal("11.00")),
        ("SSO", Decimal("9.86")),
        ("Export", Decimal("0.50")),
    ]
    sso_terms = {term["key"]: term["points"] for term in ranked[1]["terms"]}
    assert sso_terms == {
        "pipeline": Decimal("2.36"),
        "installed": Decimal("2.00"),
        "at_risk": Decimal("3.00"),
        "calls": Decimal("0.00"),
        "tickets": Decimal("0.50"),
        "detractors": Decimal("2.00"),
    }


def test_weights_change_the_ranking(store):
    data = list(figures(store, "reporting", "sso").values())
    weights = {**default_weights(), "detractors": Decimal(10)}
    ranked = rank(data, weights)
    assert [(row["name"], row["score"]) for row in ranked] == [
        ("SSO", Decimal("17.86")),
        ("Reporting", Decimal("15.00")),
    ]
    only_calls = {key: Decimal(0) for key in weights} | {"calls": Decimal(1)}
    assert [row["name"] for row in rank(data, only_calls)] == ["Reporting", "SSO"]


def test_a_theme_with_no_deals_and_no_feedback_is_all_zero(store):
    q = figures(store, "quiet", "reporting")["Quiet"]
    assert q["pipeline"]["count"] == 0 and q["pain"]["mentions"] == 0 and q["installed"]["accounts"] == 0
    assert q["pain"]["detractor_share"] is None and q["usage"]["change"] is None


@pytest.mark.skipif(
    not nullable(Opportunity, "amount"), reason="Opportunity.amount is not nullable yet (integrations work)"
)
def test_a_deal_with_no_amount_is_unknown_not_zero(store):
    deal("d9", store.accounts["beta"], None, store.themes["export"], close=date(2026, 9, 1))
    deal("d10", store.accounts["acme"], None, store.themes["reporting"], close=date(2026, 9, 1))
    rows = figures(store, "reporting", "export")
    assert rows["Export"]["pipeline"] | {"stages": None} == {
        "amount": "0.00",
        "count": 1,
        "unknown": 1,
        "overdue": 0,
        "stages": None,
        "nearest_close": "2026-09-01",
    }
    assert (Decimal(rows["Reporting"]["pipeline"]["amount"]), rows["Reporting"]["pipeline"]["unknown"]) == (
        Decimal(70_000),
        1,
    )
    from reports.templatetags.insight_tags import known_money

    assert known_money(rows["Export"]["pipeline"], "amount") == "unknown"
    assert known_money(rows["Reporting"]["pipeline"], "amount") == "$70k + 1 unknown"


@pytest.mark.skipif(
    not nullable(Account, "arr"), reason="Account.arr is not nullable yet (integrations work)"
)
def test_an_account_with_unknown_arr_is_counted_apart(store):
    odd = Account.objects.create(name="Odd", lifecycle=Lifecycle.CUSTOMER, arr=None, churn_risk_score=90)
    say(odd, "zendesk", at(2026, 6, 1), store.themes["reporting"])
    r = figures(store, "reporting", "sso")["Reporting"]
    assert r["installed"] == {"arr": "140000.00", "accounts": 3, "unknown": 1}
    assert r["at_risk"] == {"arr": "100000.00", "accounts": 2, "unknown": 1}


def test_known_money_formats():
    from reports.templatetags.insight_tags import known_money

    assert known_money({"amount": "0", "count": 0, "unknown": 0}) == "$0"
    assert known_money({"arr": "2500000", "accounts": 3, "unknown": 0}, "arr") == "$2.5M"
    assert known_money({"arr": "0", "accounts": 2, "unknown": 2}, "arr") == "unknown"
