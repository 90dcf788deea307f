"""The reports' pre-aggregates (reports/rollups.py) give the same figures as the live queries they replace.

The live queries (insight.compute(live=True), the trend report before any refresh) are the reference: they are the
code that computed every figure before the pre-aggregates existed, and their own hand-computed tests still hold.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import cache as store_cache
from feedback.models import Theme, UsageMetric
from productops.roles import Role
from reports import insight, rollups
from reports.models import RollupState
from reports.tasks import refresh_rollups
from reports.trends import TrendParams, report_as_dict, trend_report
from tests.reports import insight_store

from .conftest import NOW, THIS_MONDAY, TODAY, week


def _figures(themes: list[Theme], window: insight.Window, *, live: bool) -> dict:
    with CaptureQueriesContext(connection) as queries:
        data = insight.compute(themes, window, live=live)
    read_rollup = any("reports_theme_account" in q["sql"] for q in queries.captured_queries)
    assert read_rollup is not live  # each side really read what it claims
    data.pop("data_as_of")
    return data


def _trends(params: TrendParams) -> dict:
    data = report_as_dict(trend_report(params))
    data.pop("complete_weeks_as_of")
    return data


INSIGHT_WINDOWS = [
    insight.Window.ending(insight_store.TODAY, 180),  # monthly buckets
    insight.Window.ending(insight_store.TODAY, 30),  # weekly buckets, cut by the window's start
    insight.Window.ending(insight_store.TODAY, 365),
    insight.Window(start=date(2026, 3, 1), end=date(2026, 5, 10)),  # ends before the newest items
]


def test_insight_from_the_rollup_equals_the_live_figures_on_the_hand_computed_store(db):
    store = insight_store.build()
    acme = store.accounts["acme"]
    for n in range(8):  # a usage signal, so the account figures' every column has something
        UsageMetric.objects.create(
            account=acme,
            metric="active_users",
            date=insight_store.TODAY - timedelta(weeks=n),
            value=100 - 5 * n,
        )
    themes = list(store.themes.values())
    assert rollups.refresh() is not None
    for window in INSIGHT_WINDOWS:
        for chosen in (themes, themes[:2], [store.themes["quiet"]]):
            assert _figures(chosen, window, live=False) == _figures(chosen, window, live=True), window


@pytest.fixture
def demo_store(db):
    call_command("seed_demo", "--no-progress", "--anchor", TODAY.isoformat(), "--items", "3000")
    assert RollupState.objects.exists()  # seed_demo ends with a refresh, so the demo reads the pre-aggregates
    RollupState.objects.all().delete()  # back to the live queries, the reference


TREND_PARAMS = [
    TrendParams(today=TODAY),
    TrendParams(weeks=8, today=TODAY),
    TrendParams(weeks=104, today=TODAY),
]


def test_both_reports_from_the_rollups_equal_the_live_figures_on_the_demo_store(demo_store):
    live_trends = [_trends(p) for p in TREND_PARAMS]
    state = rollups.refresh()
    assert state is not None and state.current_week == THIS_MONDAY
    for params, live in zip(TREND_PARAMS, live_trends, strict=True):
        assert trend_report(params).as_of == state.refreshed_at  # read from the baked weeks
        assert _trends(params) == live, params.weeks
    themes = list(Theme.objects.filter(merged_into__isnull=True).order_by("name"))
    for days in (28, 90, 180):
        window = insight.Window.ending(TODAY, days)
        assert _figures(themes, window, live=False) == _figures(themes, window, live=True), days


def test_a_segment_and_a_report_for_another_week_read_live(demo_store):
    rollups.refresh()
    assert trend_report(TrendParams(segment="customer", today=TODAY)).as_of is None
    assert trend_report(TrendParams(today=TODAY + timedelta(days=7))).as_of is None  # baked for last week


def test_figures_are_as_of_the_refresh_and_the_week_in_progress_stays_live(make_theme, make_account, say):
    theme = make_theme("Exports")
    acme = make_account("Acme")
    for n in range(1, 15):
        say(acme, theme, week(n))
    state = rollups.refresh()
    before = trend_report(TrendParams(today=TODAY))
    window = insight.Window.ending(TODAY, 90)
    assert insight.compute([theme], window)["data_as_of"] == state.refreshed_at.isoformat()
    mentions = insight.compute([theme], window)["themes"][0]["pain"]["mentions"]

    say(acme, theme, week(1))  # a complete week: counted at the next refresh
    say(acme, theme, THIS_MONDAY)  # the week in progress: counted at once
    after = trend_report(TrendParams(today=TODAY))
    row = next(s for s in after.signals["all"] if s.theme_id == theme.pk)
    assert row.counts == next(s for s in before.signals["all"] if s.theme_id == theme.pk).counts
    assert row.so_far == 1
    assert insight.compute([theme], window)["themes"][0]["pain"]["mentions"] == mentions

    rollups.refresh()
    row = next(s for s in trend_report(TrendParams(today=TODAY)).signals["all"] if s.theme_id == theme.pk)
    assert row.counts[-1] == 2
    assert insight.compute([theme], window)["themes"][0]["pain"]["mentions"] == mentions + 2


def test_the_task_refreshes_and_is_idempotent(make_theme, make_account, say):
    say(make_account("Acme"), make_theme("Exports"), week(2))
    assert refresh_rollups() is not None
    first = RollupState.objects.get()
    assert refresh_rollups() is not None  # again: the same tables, one state row
    assert RollupState.objects.count() == 1 and RollupState.objects.get().current_week == first.current_week


def test_a_burst_of_store_writes_enqueues_one_refresh(db, monkeypatch, django_capture_on_commit_callbacks):
    caches[settings.FEEDBACK_CACHE_ALIAS].delete(rollups._PENDING_KEY)
    sent: list[dict] = []
    monkeypatch.setattr(refresh_rollups, "apply_async", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):  # three sync batches in a row
            store_cache.schedule_warm()  # what tag_items does after each sync batch
    caches[settings.FEEDBACK_CACHE_ALIAS].delete(rollups._PENDING_KEY)
    assert sent == [
        {
            "countdown": settings.REPORTS_ROLLUP_DEBOUNCE_SECONDS,
            "expires": settings.REPORTS_ROLLUP_DEBOUNCE_SECONDS + 600,
        }
    ]


def test_the_refresh_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-refresh-rollups"]
    assert entry["task"] == refresh_rollups.name


def test_the_pages_say_as_of_when(client_for, make_theme, make_account, say):
    say(make_account("Acme"), make_theme("Exports"), week(2))
    rollups.refresh()
    html = client_for(Role.CPO).get("/reports/trends/?weeks=26").content.decode()
    assert f"figures as of {NOW:%H:%M}" in html  # TIME_ZONE is UTC in tests


def test_a_refresh_renews_the_cached_trend_report(settings, make_theme, make_account, say):
    from reports.views.trends import cached_report

    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = (
        60  # a refresh writes no store table: the key must still change
    )
    say(make_account("Acme"), make_theme("Exports"), week(2))
    assert cached_report(TrendParams(today=TODAY)).as_of is None  # nothing refreshed yet: read live
    state = rollups.refresh()
    assert cached_report(TrendParams(today=TODAY)).as_of == state.refreshed_at
