"""Cache of a cut's dashboard figures, keyed by the versions of the tables the figures read.

A version is the count of write statements on a table so far (feedback_factchange, appended by the fact triggers in
the writer's own transaction), read in the page's REPEATABLE READ snapshot (feedback.queries.snapshot). So a value
cached under a version holds exactly the figures of the store at that version, and a write changes the key of only
the figures that read the table it wrote to. Nothing here depends on PostgreSQL's statistics counters, which lag.
Thresholds are part of the key too: changing a setting changes the segments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.dispatch import Signal

from feedback import dispatch, facts

T = TypeVar("T")

# Sent after a committed sync batch (the tagging of its items), for readers that keep their own pre-aggregates
# (reports.rollups); sent even when this cache is off.
store_changed = Signal()

_EPOCH_KEY = "feedback:epoch"


def _cache():
    return caches[settings.FEEDBACK_CACHE_ALIAS]


def enabled() -> bool:
    return settings.FEEDBACK_DASHBOARD_CACHE_SECONDS > 0


def new_epoch() -> None:
    """Make every cached figure unreachable at once (the benchmark's cold start), without flushing a shared db."""
    try:
        _cache().incr(_EPOCH_KEY)
    except ValueError:
        _cache().set(_EPOCH_KEY, 1, None)


def _settings_hash() -> str:
    thresholds = (
        settings.HIGH_PRIORITY_DEAL_AMOUNT,
        settings.CHURN_RISK_SCORE_THRESHOLD,
        settings.ARR_TIERS,
        settings.TIME_ZONE,
    )
    return hashlib.sha1(repr(thresholds).encode()).hexdigest()[:8]


def cached(name: str, key: str, compute: Callable[[], T], *, gen: str | None = None) -> T:
    """`compute()` once per (name, key, table versions `gen`). Without `gen`, the versions of every table the
    figures read, read before computing: a write that lands meanwhile is at worst in a value cached under the older
    versions, never missing from one cached under the newer."""
    if not enabled():
        return compute()
    if gen is None:
        gen = facts.version_key(facts.state()[1], facts.RELATIONS)
    epoch = _cache().get(_EPOCH_KEY, 0)
    full_key = f"feedback:{name}:{key}:{gen}:{_settings_hash()}:{epoch}"
    value = _cache().get(full_key)
    if value is None:
        value = compute()
        _cache().set(full_key, value, settings.FEEDBACK_DASHBOARD_CACHE_SECONDS)
    return value


WARM_DELAY_SECONDS = 15


def schedule_warm() -> None:
    """Enqueue one warm-up after the store changed; a burst of sync batches schedules only one."""
    transaction.on_commit(lambda: store_changed.send_robust(sender=None))  # a reader never fails a write
    if not enabled() or not _cache().add("feedback:warm-pending", 1, WARM_DELAY_SECONDS):
        return
    dispatch.on_commit(dispatch.WARM_DASHBOARD, countdown=WARM_DELAY_SECONDS)
