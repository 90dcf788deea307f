"""The fact tables behind the dashboard's figures: their configuration, rebuild and change versions.

The triggers in feedback/fact_sql.py keep the tables exact in the writer's transaction. The segment thresholds and
time zone they use are stored in feedback_factconfig; when settings no longer match it (a threshold changed at
deploy), `usable()` is false, the dashboard computes from the item rows (exact, slower) and `rebuild()` (the
`rebuild_dashboard_facts` command, or the warm-up task) brings the tables back.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction

from feedback import segments

# Bits of feedback_accountfact.segbits, in the order feedback_fact_segbits() sets them; ARR tiers follow from 32.
BASE_BITS = {"prospect": 1, "customer": 2, "high_priority_deal": 4, "churn_risk": 8, "expansion": 16}
# "affected": releases' affected accounts (readiness/migrations/0005), for the readiness pages' cached counts.
RELATIONS = ("items", "links", "accounts", "deals", "themes", "affected")


def segment_bit(key: str) -> int:
    if key in BASE_BITS:
        return BASE_BITS[key]
    tier_keys = [tier_key for tier_key, _label, _low in segments.arr_tiers()]
    if key == segments.ARR_UNKNOWN:  # after the tiers (feedback_fact_segbits)
        return 32 << len(tier_keys)
    return 32 << tier_keys.index(key.removeprefix("arr_"))


def segment_mask(keys: tuple[str, ...]) -> int:
    mask = 0
    for key in keys:
        mask |= segment_bit(key)
    return mask


def wanted_config() -> tuple[Decimal, int, list[Decimal], str]:
    tiers = [Decimal(low) for _key, _label, low in segments.arr_tiers()]
    return (
        Decimal(settings.HIGH_PRIORITY_DEAL_AMOUNT),
        int(settings.CHURN_RISK_SCORE_THRESHOLD),
        tiers,
        settings.TIME_ZONE,
    )


def stored_config() -> tuple[Decimal, int, list[Decimal], str] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hpd_amount, churn_threshold, tier_lows, tz FROM feedback_factconfig WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Decimal(row[0]), int(row[1]), [Decimal(v) for v in row[2]], row[3]


def usable() -> bool:
    """True when the fact tables were built with today's thresholds and time zone."""
    return stored_config() == wanted_config()


@transaction.atomic
def rebuild() -> None:
    """Store today's thresholds and recompute every fact table from the store (seconds at a million items)."""
    hpd, churn, tiers, tz = wanted_config()
    with connection.cursor() as cursor:
        cursor.execute(
            "LOCK TABLE feedback_feedbackitem, feedback_feedbacktheme, feedback_account IN SHARE MODE"
        )
        cursor.execute(
            "INSERT INTO feedback_factconfig (id, hpd_amount, churn_threshold, tier_lows, tz) VALUES (1, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET hpd_amount = EXCLUDED.hpd_amount, "
            "churn_threshold = EXCLUDED.churn_threshold, tier_lows = EXCLUDED.tier_lows, tz = EXCLUDED.tz",
            [hpd, churn, tiers, tz],
        )
        cursor.execute("SELECT feedback_fact_rebuild()")


def flush() -> None:
    """Apply this transaction's pending fact deltas now (they are applied at commit anyway; see fact_sql)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT feedback_fact_flush()")


# The tables the dashboard's figures (and the pages that reuse them) read: their versions key those values' cache.
FIGURE_RELATIONS = ("items", "links", "accounts", "deals", "themes")


def version_key(found: dict[str, int], relations: tuple[str, ...] = FIGURE_RELATIONS) -> str:
    """The cache key part of a value read from `relations`, at the versions `found` (from `state()`)."""
    return ".".join(str(found[relation]) for relation in relations)


def all_versions() -> dict[str, int]:
    """Writes so far per relation counted in feedback_factchange (the store's, and every other table's by app,
    productops.page_cache), as the current snapshot sees them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relation, sum(n) FROM feedback_factchange GROUP BY relation")
        return {relation: int(n) for relation, n in cursor.fetchall()}


def versions() -> dict[str, int]:
    """Writes so far per relation, as the current snapshot sees them: the cache key part that makes it exact."""
    found = all_versions()
    return {relation: found.get(relation, 0) for relation in RELATIONS}


def compact_changes() -> None:
    """Fold the change log into one row per relation; the sums, and so every cache key, stay the same."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM feedback_factchange RETURNING relation, n) "
            "INSERT INTO feedback_factchange (relation, n) SELECT relation, sum(n) FROM gone GROUP BY relation"
        )


def state() -> tuple[bool, dict[str, int]]:
    """(`usable()`, `versions()`) in one query, after applying this transaction's own pending fact deltas."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT feedback_fact_flush(), (SELECT hpd_amount FROM feedback_factconfig WHERE id = 1), "
            "(SELECT churn_threshold FROM feedback_factconfig WHERE id = 1), "
            "(SELECT tier_lows FROM feedback_factconfig WHERE id = 1), "
            "(SELECT tz FROM feedback_factconfig WHERE id = 1), "
            "(SELECT json_object_agg(relation, n) FROM "
            " (SELECT relation, sum(n) AS n FROM feedback_factchange GROUP BY relation) c)"
        )
        _row, hpd, churn, tiers, tz, found = cursor.fetchone()
    stored = None if hpd is None else (Decimal(hpd), int(churn), [Decimal(v) for v in tiers], tz)
    found = found or {}
    return stored == wanted_config(), {relation: int(found.get(relation) or 0) for relation in RELATIONS}


# Bits of feedback_accountfact.sources_mask (feedback_fact_source_bit in fact_sql).
SOURCE_BITS = {"salesforce": 1, "zendesk": 2, "gong": 4, "nps": 8, "survey": 16, "manual": 32}


def sources_mask(sources: tuple[str, ...]) -> int:
    mask = 0
    for source in sources:
        mask |= SOURCE_BITS.get(source, 64)
    return mask


def segbits_with(mask: int) -> list[int]:
    """Every segment bitmask value that has all the bits of `mask`."""
    top = 32 << (len(segments.arr_tiers()) + 1)
    return [value for value in range(top) if value & mask == mask]
