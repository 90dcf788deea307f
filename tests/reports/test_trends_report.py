"""The trend report on hand-made data: ARR weighting, the partial week, windows without data, bad input, roles."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from productops.roles import Role
from reports import trends_charts
from reports.trends import TrendInputError, TrendParams, trend_report

from .conftest import RECENT_FROM, THIS_MONDAY, TODAY, week


@pytest.fixture
def arr_fixture(make_theme, make_account, say):
    """Hand-computed: see test_arr_weighting_matches_the_hand_computed_figures."""
    theme = make_theme("Exports")
    risky = make_account("Risky", arr=100_000, risk=80)
    gone = make_account("Gone", arr=50_000, lifecycle="churned")
    growing = make_account("Growing", arr=200_000, expansion=True)
    healthy = make_account("Healthy", arr=10_000)
    say(risky, theme, RECENT_FROM + timedelta(days=1))
    say(risky, theme, RECENT_FROM + timedelta(days=8))
    say(gone, theme, RECENT_FROM + timedelta(days=15))
    say(healthy, theme, RECENT_FROM + timedelta(days=16), kind="nps_response", nps=3)  # detractor
    say(healthy, theme, RECENT_FROM + timedelta(days=17), kind="nps_response", nps=9)  # not a signal
    for d in (2, 9, 20):
        say(growing, theme, RECENT_FROM + timedelta(days=d))
    say(risky, theme, week(10))  # baseline
    say(healthy, None, week(30))  # the store's data starts well before the baseline: all 12 weeks count
    return theme


def _row(report, signal, theme):
    return next(s for s in report.signals[signal] if s.theme_id == theme.pk)


def test_arr_weighting_matches_the_hand_computed_figures(arr_fixture):
    report = trend_report(TrendParams(today=TODAY))
    churn = _row(report, "churn", arr_fixture)
    # Recent churn items: Risky 2x (100k), Gone 1x (50k), Healthy's detractor (10k) over 4 weeks.
    assert churn.test.recent == 4 and churn.test.baseline == 1
    assert churn.weighted_recent == Decimal("65000.00")  # (200k + 50k + 10k) / 4
    assert churn.weighted_baseline == Decimal("8333.33")  # 100k / 12
    assert churn.weighted_rise == Decimal("56666.67")
    assert (churn.accounts, churn.accounts_arr) == (3, Decimal(160_000))  # each account once
    expansion = _row(report, "expansion", arr_fixture)
    assert expansion.test.recent == 3 and expansion.weighted_recent == Decimal("150000.00")
    assert (expansion.accounts, expansion.accounts_arr) == (1, Decimal(200_000))
    everything = _row(report, "all", arr_fixture)
    assert everything.test.recent == 8 and everything.accounts == 4


def test_the_partial_current_week_is_never_drawn(make_theme, make_account, say):
    theme = make_theme("Billing")
    account = make_account("Acme")
    for n in range(1, 20):
        for _ in range(10):
            say(account, theme, week(n) + timedelta(days=2))
    say(account, theme, THIS_MONDAY + timedelta(days=1))  # one item so far this week: a "fall" if drawn
    report = trend_report(TrendParams(weeks=8, today=TODAY))
    series = _row(report, "all", theme)
    assert report.week_starts[-1] == week(1) and THIS_MONDAY not in report.week_starts
    assert series.counts == [10] * 8 and series.so_far == 1
    chart = trends_charts.theme_chart(report, series)
    assert len(chart["labels"]) == 8 and chart["datasets"][0]["data"][-1] == 10
    assert "Nov 23" not in chart["labels"]
    assert not series.test.rising and series.test.recent == 40


def test_a_window_longer_than_the_data_is_blank_before_the_first_item(make_theme, make_account, say):
    theme = make_theme("Mobile")
    account = make_account("Acme")
    for n in range(1, 7):
        say(account, theme, week(n))
    report = trend_report(TrendParams(weeks=26, today=TODAY))
    series = _row(report, "all", theme)
    assert report.blank_weeks == 20 and series.counts[:20] == [None] * 20 and series.counts[20:] == [1] * 6
    assert (
        report.baseline_weeks == 2 and not series.test.enough_history
    )  # 2 weeks is too little to test against


def test_no_data_at_all(make_theme):
    make_theme("Empty")
    report = trend_report(TrendParams(today=TODAY))
    assert not report.has_data and report.data_starts is None


@pytest.mark.parametrize(("params", "field"), [({"weeks": 2}, "weeks"), ({"segment": "vip"}, "segment")])
def test_bad_params_name_the_field(params, field):
    with pytest.raises(TrendInputError) as exc:
        trend_report(TrendParams(**params))
    assert exc.value.field == field


def test_page_shows_rising_churn_theme_with_test_and_arr(client_for, make_theme, make_account, say):
    theme = make_theme("Performance")
    risky = make_account("Risky", arr=120_000, risk=90)
    for n in range(5, 17):
        say(risky, theme, week(n))
    for n in range(1, 5):
        for _ in range(6):
            say(risky, theme, week(n) + timedelta(days=1))
    response = client_for(Role.CPO).get("/reports/trends/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "exact conditional Poisson rate test" in html and "Benjamini-Hochberg" in html
    churn = html[html.index('id="churn"') : html.index('id="expansion"')]
    assert "Performance" in churn and "rising" in churn and "$120k" in churn
    landing = client_for(Role.PM).get("/reports/").content.decode()
    assert "Performance" in landing and "$120k ARR" in landing


def test_page_bad_input_is_a_400_naming_the_field(client_for):
    client = client_for(Role.CPO)
    response = client.get("/reports/trends/?weeks=500&segment=vip")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "weeks" in errors and "segment" in errors


def test_api_same_numbers_and_400s(client_for, arr_fixture):
    client = client_for(Role.CPO)
    data = client.get("/api/v1/reports/trends/?weeks=12").json()
    assert data["weeks"] == 12 and len(data["week_starts"]) == 12 and data["current_week"]["partial"] is True
    churn = next(r for r in data["signals"]["churn"] if r["theme"]["id"] == arr_fixture.pk)
    assert (
        churn["recent"] == 4
        and churn["arr_weighted_rise"] == "56666.67"
        and churn["accounts_arr"] == "160000.00"
    )
    bad = client.get("/api/v1/reports/trends/?weeks=abc&segment=vip")
    assert bad.status_code == 400 and set(bad.json()) == {"weeks", "segment"}
    assert client.get("/api/v1/reports/trends/?segment=churn_risk").status_code == 200


@pytest.mark.parametrize("role", [Role.SALES, Role.CSM])
def test_roles_outside_reports_are_refused(client_for, role):
    client = client_for(role)
    assert client.get("/reports/trends/").status_code == 403
    assert client.get("/reports/").status_code == 403
    assert client.get("/api/v1/reports/trends/").status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get("/reports/trends/").status_code == 302
    assert client.get("/api/v1/reports/trends/").status_code in (401, 403)


def test_query_counts_do_not_grow_with_themes_or_items(
    client_for, make_theme, make_account, say, django_assert_max_num_queries, settings
):
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(Role.PM)
    account = make_account("Acme")
    theme = make_theme("One")
    say(account, theme, week(2))
    with django_assert_max_num_queries(30) as few:
        assert client.get("/reports/trends/").status_code == 200
    for n in range(8):
        extra = make_theme(f"Theme {n}")
        for w in range(1, 10):
            say(make_account(f"A{n}{w}"), extra, week(w))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/reports/trends/").status_code == 200
    with django_assert_max_num_queries(30) as landing:
        assert client.get("/reports/").status_code == 200
    assert len(landing.captured_queries) <= 30


def test_chart_data_is_json_script_not_inline_code(client_for, arr_fixture):
    html = client_for(Role.CPO).get("/reports/trends/").content.decode()
    assert 'id="churn-chart-data" type="application/json"' in html
    assert "<script>" not in html and " onclick=" not in html
    start = html.index('id="churn-chart-data" type="application/json">') + len(
        'id="churn-chart-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert len(data["labels"]) == 26


def test_warm_task_computes_the_default_report(arr_fixture):
    from reports.tasks import warm_trends

    assert warm_trends.apply().get() == 1


def test_volume_page_draws_complete_weeks_only(client_for, make_account, say):
    account = make_account("Risky", risk=90)
    say(account, None, week(1))
    say(account, None, THIS_MONDAY + timedelta(days=1))
    response = client_for(Role.CPO).get("/reports/volume/")
    chart = response.context["chart"]
    assert len(chart["labels"]) == 26 and chart["labels"][-1] == "Nov 16"
    assert chart["datasets"][0]["data"][-1] == 1
    assert "<script>" not in response.content.decode()


@pytest.mark.skipif(
    not __import__("feedback.models").models.Account._meta.get_field("arr").null,
    reason="Account.arr is not nullable yet (integrations work)",
)
def test_unknown_arr_is_unknown_not_zero(client_for, make_theme, make_account, say):
    theme = make_theme("Exports")
    known = make_account("Known", arr=100_000, risk=80)
    unknown = make_account("Unknown", risk=80)
    unknown.arr = None
    unknown.save(update_fields=["arr"])
    say(known, theme, RECENT_FROM + timedelta(days=1))
    say(unknown, theme, RECENT_FROM + timedelta(days=2))
    churn = _row(trend_report(TrendParams(today=TODAY)), "churn", theme)
    assert (churn.accounts, churn.accounts_arr, churn.accounts_unknown) == (2, Decimal(100_000), 1)
    assert churn.unknown_arr_items == 1 and churn.weighted_recent == Decimal("25000.00")
    html = client_for(Role.CPO).get("/reports/trends/").content.decode()
    assert "1 of 2 ARR unknown" in html
