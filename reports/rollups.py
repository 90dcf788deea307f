"""The reports' narrow pre-aggregates: what lets the insight and trend reports answer in milliseconds at a million items.

Both reports aggregate the theme links joined to their (wide, ~600 bytes a row) feedback items; at a million items
that read alone costs seconds. So the reports app keeps, refreshed together after each sync batch or tagging change
(debounced) and on a beat schedule:

- `reports_theme_day` (materialised view): per theme, day and source, items, NPS answers and detractors. The insight
  report's pain figures for any window and bucket are sums over it (~26k rows at 1M items).
- `reports_theme_account` (materialised view): per theme and account, the days it asked (a date multirange) and the
  days of its Gong calls. "Accounts that asked in the window" is an overlap test on one row per (theme, account).
- TrendWeek / TrendAccounts (tables): the trend report's complete weeks over every account, and the recent weeks'
  distinct accounts, baked by running the report's own queries (reports.trends) at refresh time.

Figures are "as of" the refresh (RollupState.refreshed_at), which the pages show. Trend reports over complete weeks and
insight figures tolerate minutes of staleness; the week in progress, segment-filtered trends and every drill-down list
stay live. Until the first refresh (a fresh install) the reports read the source tables, as before.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from reports.models import RollupState, TrendAccounts, TrendWeek

VIEWS = ("reports_theme_day", "reports_theme_account")
_LOCK = 0x7265706F  # pg advisory lock key: one refresh at a time
_PENDING_KEY = "reports:rollup-refresh-pending"


def state() -> RollupState | None:
    """The last refresh, or None before the first (then the reports read the source tables)."""
    return RollupState.objects.filter(pk=1).first()


def version() -> str:
    """Changes with every refresh: part of the key of anything cached from the pre-aggregates."""
    stamp = RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    return stamp.isoformat() if stamp else "live"


def schedule_refresh(**_: Any) -> None:
    """Enqueue one refresh after the store changed; a burst of sync batches within the debounce enqueues only one.

    Connected to feedback.cache.store_changed (sent after each sync batch's items are tagged and committed)."""
    seconds = settings.REPORTS_ROLLUP_DEBOUNCE_SECONDS
    if not caches[settings.FEEDBACK_CACHE_ALIAS].add(_PENDING_KEY, 1, seconds):
        return
    from reports.tasks import refresh_rollups

    transaction.on_commit(lambda: refresh_rollups.apply_async(countdown=seconds, expires=seconds + 600))


def refresh(*, today: date | None = None) -> RollupState | None:
    """Refresh every pre-aggregate and bake the trend tables; None when another refresh holds the lock (idempotent)."""
    from reports import trends

    started = clock.perf_counter()
    now = timezone.now()
    today = today or timezone.localdate(now)
    current = trends.this_monday(today)
    recent_from = current - timedelta(weeks=settings.TRENDS_RECENT_WEEKS)
    # Every week a report can show or test: the longest window, or the recent plus baseline weeks if longer.
    span = max(trends.MAX_WEEKS, settings.TRENDS_RECENT_WEEKS + settings.TRENDS_BASELINE_WEEKS)
    first = current - timedelta(weeks=span)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        for view in VIEWS:
            # CONCURRENTLY: readers keep the previous figures while the new ones are computed, and only changed rows
            # are written (the views have unique indexes for this).
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
        weekly = trends.live_weekly_rows(first, datetime.combine(current, time(0), tzinfo=UTC), "")
        people = trends.live_recent_accounts(recent_from, current, "")
        TrendWeek.objects.all().delete()
        TrendWeek.objects.bulk_create(
            [
                TrendWeek(
                    theme_id=theme_id,
                    week=week,
                    items=n_all,
                    churn=n_churn,
                    churn_arr=arr_churn,
                    churn_unknown=unk_churn,
                    expansion=n_exp,
                    expansion_arr=arr_exp,
                    expansion_unknown=unk_exp,
                )
                for theme_id, week, n_all, n_churn, arr_churn, unk_churn, n_exp, arr_exp, unk_exp in weekly
            ],
            batch_size=2000,
        )
        TrendAccounts.objects.all().delete()
        TrendAccounts.objects.bulk_create(
            [
                TrendAccounts(theme_id=theme_id, signal=signal, accounts=n, arr=arr, unknown=unknown)
                for (signal, theme_id), (n, arr, unknown) in people.items()
            ]
        )
        done, _ = RollupState.objects.update_or_create(
            pk=1,
            defaults={
                "refreshed_at": now,
                "current_week": current,
                "recent_from": recent_from,
                "seconds": round(clock.perf_counter() - started, 3),
            },
        )
    return done


def trend_rows(
    first_week: date, until: datetime, current: date, recent_from: date, segment: str
) -> tuple[list[tuple], dict[tuple[str, int], tuple[int, Any, int]], datetime | None]:
    """The trend report's weekly rows and recent accounts: complete weeks from the baked tables when they were baked
    for this week and cover the window, the week in progress live. Segment cuts read live (per-account state).
    Returns (rows, accounts, as_of) with as_of None when everything was read live."""
    from reports import trends

    baked = None if segment else state()
    if baked is None or baked.current_week != current or baked.recent_from != recent_from:
        rows = trends.live_weekly_rows(first_week, until, segment)
        return rows, trends.live_recent_accounts(recent_from, current, segment), None
    rows = list(
        TrendWeek.objects.filter(week__gte=first_week, week__lt=current)
        .order_by()
        .values_list(
            "theme_id",
            "week",
            "items",
            "churn",
            "churn_arr",
            "churn_unknown",
            "expansion",
            "expansion_arr",
            "expansion_unknown",
        )
    )
    rows += trends.live_weekly_rows(current, until, "", one_week=True)  # the week in progress stays live
    people = {
        (signal, theme_id): (n, arr, unknown)
        for theme_id, signal, n, arr, unknown in TrendAccounts.objects.values_list(
            "theme_id", "signal", "accounts", "arr", "unknown"
        )
    }
    return rows, people, baked.refreshed_at
