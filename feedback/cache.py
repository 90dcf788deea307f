"""Cache of dashboard aggregates that is invalidated by any write to the store, so cached figures stay exact.

The key of every cached value includes a *store generation*: PostgreSQL's own insert/update/delete counters for
the tables the figures depend on (so writes by any process, including the sync engine's bulk upserts, invalidate
it), plus a counter our services bump on commit (so our own writes are visible at once, before the statistics
collector has flushed). Thresholds are part of the key too: changing a setting changes the segments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

T = TypeVar("T")

TABLES = (
    "feedback_feedbackitem",
    "feedback_feedbacktheme",
    "feedback_account",
    "feedback_opportunity",
    "feedback_opportunity_blocking_themes",
    "feedback_theme",
)
_LOCAL_KEY = "feedback:generation"


def _cache():
    return caches[settings.FEEDBACK_CACHE_ALIAS]


def enabled() -> bool:
    return settings.FEEDBACK_DASHBOARD_CACHE_SECONDS > 0


def bump() -> None:
    if not enabled():
        return
    try:
        _cache().incr(_LOCAL_KEY)
    except ValueError:
        _cache().set(_LOCAL_KEY, 1, None)


def bump_on_commit() -> None:
    transaction.on_commit(bump)


def generation() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)",
            [list(TABLES)],
        )
        changes = cursor.fetchone()[0]
    local = _cache().get(_LOCAL_KEY, 0)
    thresholds = (settings.HIGH_PRIORITY_DEAL_AMOUNT, settings.CHURN_RISK_SCORE_THRESHOLD, settings.ARR_TIERS)
    return f"{changes}.{local}.{hashlib.sha1(repr(thresholds).encode()).hexdigest()[:8]}"


def cached(name: str, key: str, compute: Callable[[], T], *, gen: str | None = None) -> T:
    """`compute()` once per (name, key, store generation). Pass `gen` to share one generation read per request."""
    if not enabled():
        return compute()
    full_key = f"feedback:{name}:{key}:{gen or generation()}"
    value = _cache().get(full_key)
    if value is None:
        value = compute()
        _cache().set(full_key, value, settings.FEEDBACK_DASHBOARD_CACHE_SECONDS)
    return value


WARM_DELAY_SECONDS = 15


def schedule_warm() -> None:
    """Enqueue one warm-up after the store changed; a burst of sync batches schedules only one.

    The delay lets PostgreSQL's statistics (part of the cache key) catch up with the write first.
    """
    if not enabled() or not _cache().add("feedback:warm-pending", 1, WARM_DELAY_SECONDS):
        return
    from feedback.tasks import warm_dashboard_task

    transaction.on_commit(lambda: warm_dashboard_task.apply_async(countdown=WARM_DELAY_SECONDS))
