"""The dashboard's figures of a cut, read from the fact tables (feedback/fact_models.py) instead of the item rows.

Two plans, chosen per cut, each one statement:
- all-time, broad (no search, theme, account, or a date window that leaves items out): exact rollups. Items and NPS
  from feedback_classfact (source x account class: a few hundred rows), the weekly series from feedback_weekfact,
  distinct accounts and ARR from feedback_accountfact (one row per account, with a mask of the sources it has items
  from), the top themes from feedback_themeclassfact (items) and feedback_accountthemefact (accounts, ARR).
- anything else: one statement over feedback_itemfact (narrow rows, ~80 bytes instead of ~600), the cut's rows
  selected once and every figure computed from them, with a larger work_mem for that statement only.
Both return exactly what feedback.queries' item-row functions return (tests compare them cut by cut).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from feedback import facts
from feedback.filters import Cut, aware_day

# Memory for the one statement of the item-fact plan (hash aggregates over up to a million narrow rows).
WORK_MEM = "64MB"
BIG_SETTINGS = [
    ("work_mem", WORK_MEM),
    ("enable_sort", "off"),
    ("enable_nestloop", "off"),
    ("jit", "off"),
    ("effective_io_concurrency", "0"),
]
ALL_SOURCES = 0x7FFFFFFF
# Accounts with an open deal some theme blocks: only these can appear among a cut's blocked deals.
BLOCKED_DEAL_ACCOUNTS = (
    "SELECT o.account_id FROM feedback_opportunity o WHERE o.status = 'open' AND EXISTS "
    "(SELECT 1 FROM feedback_opportunity_blocking_themes b WHERE b.opportunity_id = o.id)"
)


# The cut's search, on the fact row's own document and GIN index (no visit to the wide item rows).
SEARCH = "f.document @@ websearch_to_tsquery('english', %s)"
# The cut's theme: the numbers of the theme sets holding it (a few of the tens to hundreds of sets), so each row
# compares one integer instead of testing its array.
THEME = (
    "f.themeset = ANY(ARRAY(SELECT s.id FROM feedback_themeset s WHERE s.theme_ids @> ARRAY[%s]::bigint[]))"
)


def summary_of(counts: tuple[Any, ...], accounts: Any, arr: Any, arr_unknown: Any) -> dict[str, Any]:
    items, nps_n, nps_sum, detractors, promoters = (int(v or 0) for v in counts)
    return {
        "items": items,
        "accounts": int(accounts or 0),
        "arr": Decimal(arr) if arr is not None else Decimal(0),  # the known ARR only: unknown is not zero
        "arr_unknown": int(arr_unknown or 0),
        "nps_n": nps_n,
        "nps_avg": round(nps_sum / nps_n, 1) if nps_n else None,
        "nps": round(100 * (promoters - detractors) / nps_n) if nps_n else None,
        "detractor_share": round(100 * detractors / nps_n, 1) if nps_n else None,
    }


def _store_span() -> tuple[date, date] | None:
    """First and last day with items (two index probes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT timezone(%s, min(occurred_at))::date FROM feedback_itemfact), "
            "(SELECT timezone(%s, max(occurred_at))::date FROM feedback_itemfact)",
            [timezone.get_current_timezone_name()] * 2,
        )
        first, last = cursor.fetchone()
    return (first, last) if first else None


def covers_store(cut: Cut) -> bool:
    """Whether the cut's dates leave out no item, so the all-time rollups answer it exactly."""
    if not (cut.start or cut.end):
        return True
    span = _store_span()
    if span is None:
        return True
    return (cut.start is None or cut.start <= span[0]) and (cut.end is None or cut.end >= span[1])


def use_rollups(cut: Cut) -> bool:
    return not (cut.q or cut.theme_id or cut.account_id) and covers_store(cut)


def _class_filter(cut: Cut, alias: str) -> tuple[str, list[Any]]:
    """The account-class part of a cut. The segment mask becomes the list of matching bitmask values, which the
    planner estimates from its statistics (it cannot estimate `segbits & mask = mask`)."""
    conds, params = [], []
    mask = facts.segment_mask(cut.segments)
    if mask:
        conds.append(f"{alias}.segbits = ANY(%s)")
        params.append(facts.segbits_with(mask))
    if cut.owner_id:
        conds.append(f"{alias}.owner_id = %s")
        params.append(cut.owner_id)
    return " AND ".join(conds) or "TRUE", params


def _sources(cut: Cut, alias: str) -> tuple[str, list[Any]]:
    if not cut.sources:
        return "TRUE", []
    return f"{alias}.source = ANY(%s)", [list(cut.sources)]


def _run(
    sql: str,
    params: list[Any],
    *,
    index_only: bool = False,
    big: bool = True,
    walk_time: bool = False,
    all_rows: bool = False,
) -> Any:
    """One statement with its own settings. `big` (the figures of a cut): more work_mem; hash joins and aggregates
    only, since the planner cannot estimate a CTE's rows (it guesses 160 of 15,000) and then sorted tens of thousands
    of groups or joined them by nested loop, and with a skewed estimate of an owner's accounts (1 expected, 1,258
    found) probed a search's GIN index once per account (6 s instead of 0.2); no JIT (a cut whose estimate passes
    jit_above_cost would compile, and compiling the reports' aggregates of this kind cost ~300 ms and saved nothing);
    no prefetch advice for a bitmap heap scan (the pages are in memory: the advice was 10% of a search's scan).
    With `index_only` the cut's rows read from the covering time index (or the account index) rather than by scanning
    the table (the planner underrates the index-only scan of a whole index). With `walk_time` the rows found by
    walking the time index newest first. Returns the first row, or every row with `all_rows`."""
    settings = BIG_SETTINGS[:] if big else []
    if index_only or walk_time:
        settings += [("enable_seqscan", "off"), ("enable_bitmapscan", "off")]
    if not settings:  # the rollups are small tables: no settings to change
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if all_rows else cursor.fetchone()
    names = [name for name, _value in settings]
    with transaction.atomic(), connection.cursor() as cursor:
        # Transaction-local settings last to the end of the outer transaction (the page's snapshot): the old
        # values are read in the same statement and put back after.
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in settings),
            [v for name, value in settings for v in (name, name, value)],
        )
        old = cursor.fetchone()[::2]
        cursor.execute(sql, params)
        result = cursor.fetchall() if all_rows else cursor.fetchone()
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
            [v for name, value in zip(names, old, strict=True) for v in (name, value)],
        )
        return result


def rollup_figures(cut: Cut, *, start: date, limit: int, deal_rows: int = 0) -> dict[str, Any]:
    """Summary, series, top themes and the blocked-deal accounts of an all-time broad cut, from the rollups
    (`deal_rows` is for the item-fact plan's signature: here the deals query reads the accounts itself)."""
    cls, cls_params = _class_filter(cut, "x")
    src, src_params = _sources(cut, "x")
    mask = facts.sources_mask(cut.sources) if cut.sources else ALL_SOURCES
    sql = f"""
        WITH counts AS (
            SELECT sum(items) AS items, sum(nps_n) AS nps_n, sum(nps_sum) AS nps_sum, sum(detractors) AS det,
                   sum(promoters) AS pro
            FROM feedback_classfact x WHERE {cls} AND {src}
        ),
        accts AS (
            SELECT count(*) AS n, sum(x.arr) AS arr, count(*) FILTER (WHERE x.arr IS NULL) AS unknown
            FROM feedback_accountfact x
            WHERE x.sources_mask & %s <> 0 AND {cls}
        ),
        series AS (
            SELECT json_agg(json_build_array(week, source, n)) AS rows FROM (
                SELECT x.week, x.source, sum(x.items) AS n FROM feedback_weekfact x
                WHERE x.week >= %s AND {cls} AND {src} GROUP BY 1, 2 HAVING sum(x.items) <> 0
            ) w
        ),
        theme_items AS (
            SELECT x.theme_id, sum(x.items) AS items FROM feedback_themeclassfact x
            WHERE {cls} AND {src} GROUP BY 1 HAVING sum(x.items) > 0
        ),
        theme_accts AS (
            SELECT t.theme_id, count(*) AS n, sum(x.arr) AS arr, count(*) FILTER (WHERE x.arr IS NULL) AS unknown
            FROM feedback_accountthemefact t JOIN feedback_accountfact x USING (account_id)
            WHERE t.sources_mask & %s <> 0 AND {cls} GROUP BY 1
        ),
        themes AS (
            SELECT json_agg(json_build_array(theme_id, items, accounts, arr, unknown) ORDER BY items DESC, theme_id)
                AS rows
            FROM (
                SELECT i.theme_id, i.items, coalesce(a.n, 0) AS accounts, coalesce(a.arr, 0)::text AS arr,
                       coalesce(a.unknown, 0) AS unknown
                FROM theme_items i LEFT JOIN theme_accts a USING (theme_id)
                ORDER BY i.items DESC, i.theme_id LIMIT %s
            ) t
        )
        SELECT counts.*, accts.n, accts.arr, accts.unknown, series.rows, themes.rows
        FROM counts, accts, series, themes
    """
    params = [
        *cls_params, *src_params, mask, *cls_params, start, *cls_params, *src_params, *cls_params, *src_params,
        mask, *cls_params, limit,
    ]  # fmt: skip
    row = _run(sql, params, big=False)
    deal_sql = f"SELECT x.account_id FROM feedback_accountfact x WHERE x.sources_mask & %s <> 0 AND {cls}"
    return _figures(row, deal_accounts=(deal_sql, [mask, *cls_params]))


def _figures(row: tuple[Any, ...], *, deal_accounts: Any) -> dict[str, Any]:
    counts, accounts, arr, unknown, series_rows, theme_rows = row[:5], row[5], row[6], row[7], row[8], row[9]
    return {
        "summary": summary_of(counts, accounts, arr, unknown),
        "series_counts": {(week, source): int(n) for week, source, n in series_rows or []},
        "themes": [(t, int(n), int(a), Decimal(v), int(u)) for t, n, a, v, u in theme_rows or []],
        "deal_accounts": deal_accounts,
    }


def fact_where(cut: Cut) -> tuple[str, list[Any], str]:
    """WHERE over feedback_itemfact f (and feedback_accountfact a when the cut filters on the account's class)."""
    conds: list[str] = []
    params: list[Any] = []
    join = ""
    if cut.segments or cut.owner_id:
        join = "JOIN feedback_accountfact a ON a.account_id = f.account_id"
        cls, cls_params = _class_filter(cut, "a")
        conds.append(cls)
        params += cls_params
    if cut.account_id:
        conds.append("f.account_id = %s")
        params.append(cut.account_id)
    if cut.sources:
        conds.append("f.source = ANY(%s)")
        params.append(list(cut.sources))
    if cut.start:
        conds.append("f.occurred_at >= %s")
        params.append(aware_day(cut.start))
    if cut.end:
        conds.append("f.occurred_at < %s")
        params.append(aware_day(cut.end + timedelta(days=1)))
    if cut.theme_id:
        conds.append(THEME)
        params.append(cut.theme_id)
    if cut.q:
        conds.append(SEARCH)
        params.append(cut.q)
    return " AND ".join(conds) or "TRUE", params, join


def item_fact_figures(cut: Cut, *, start: date, limit: int, deal_rows: int) -> dict[str, Any]:
    """Every figure of the cut in one statement over feedback_itemfact: the cut's rows are selected once."""
    where, params, join = fact_where(cut)
    sql = f"""
        WITH r AS (
            SELECT f.week, f.account_id, f.source, f.nps_score, f.themeset
            FROM feedback_itemfact f {join} WHERE {where}
        ),
        -- One pass over the cut's rows: counts and the weekly series per (week, source), and the items per
        -- (account, set of themes), from which the distinct accounts and the top themes follow (tens of thousands
        -- of groups to unnest instead of every row).
        g AS MATERIALIZED (
            SELECT GROUPING(week, source, nps_score, account_id, themeset) AS grp, week, source, nps_score,
                   account_id, themeset, count(*)::integer AS n  -- summed as integers: no numeric state per group
            FROM r GROUP BY GROUPING SETS ((week, source, nps_score), (account_id, themeset))
        ),
        counts AS (
            SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE nps_score IS NOT NULL), 0),
                   coalesce(sum(n * nps_score), 0), coalesce(sum(n) FILTER (WHERE nps_score <= 6), 0),
                   coalesce(sum(n) FILTER (WHERE nps_score >= 9), 0)
            FROM g WHERE grp = 3
        ),
        per_account AS MATERIALIZED (
            SELECT acc.account_id, acc.arr
            FROM (SELECT DISTINCT account_id FROM g WHERE grp = 28) a
            JOIN feedback_accountfact acc ON acc.account_id = a.account_id
        ),
        accts AS (
            SELECT count(*) AS n, sum(arr) AS arr, count(*) FILTER (WHERE arr IS NULL) AS unknown FROM per_account
        ),
        series AS (
            SELECT json_agg(json_build_array(week, source, n)) AS rows FROM (
                SELECT week, source, sum(n) AS n FROM g WHERE grp = 3 AND week >= %s GROUP BY week, source
            ) w
        ),
        top AS MATERIALIZED (
            SELECT per.theme_id, sum(per.n) AS items, count(per.account_id) AS accounts,
                   coalesce(sum(acc.arr), 0)::text AS arr,
                   count(acc.account_id) FILTER (WHERE acc.arr IS NULL) AS unknown
            FROM (
                SELECT th.theme_id, g.account_id, sum(g.n) AS n
                -- Each set's themes unnested once and hash-joined (not unnested per group: 25 ms of a search).
                FROM g JOIN (SELECT s.id, unnest(s.theme_ids) AS theme_id FROM feedback_themeset s) th
                    ON th.id = g.themeset
                WHERE g.grp = 28 GROUP BY 1, 2
            ) per LEFT JOIN per_account acc ON acc.account_id = per.account_id
            GROUP BY per.theme_id ORDER BY items DESC, per.theme_id LIMIT %s
        ),
        themes AS (
            SELECT json_agg(json_build_array(theme_id, items, accounts, arr, unknown) ORDER BY items DESC, theme_id)
                AS rows
            FROM top
        ),
        -- The biggest open deals of the cut's accounts that the blocking themes block (the cut's theme, or its
        -- top themes): the few the deals query can show (`deal_rows`, in its order), not thousands of accounts.
        deals AS (
            SELECT array_agg(id) AS ids FROM (
                SELECT o.id FROM feedback_opportunity o JOIN per_account p ON p.account_id = o.account_id
                WHERE o.status = 'open' AND EXISTS (
                    SELECT 1 FROM feedback_opportunity_blocking_themes b WHERE b.opportunity_id = o.id
                    AND b.theme_id = ANY(coalesce(%s::bigint[], (SELECT array_agg(theme_id) FROM top)))
                )
                ORDER BY o.amount DESC NULLS LAST, o.id LIMIT %s
            ) d
        )
        SELECT counts.*, accts.n, accts.arr, accts.unknown, series.rows, themes.rows, deals.ids
        FROM counts, accts, series, themes, deals
    """
    blockers = [cut.theme_id] if cut.theme_id else None
    row = _run(sql, [*params, start, limit, blockers, deal_rows], index_only=not cut.q)
    return {**_figures(row, deal_accounts=None), "deal_ids": list(row[10] or [])}


def page_ids(cut: Cut, *, offset: int, limit: int, total: int | None = None) -> list[int]:
    """Ids of one page of the cut's items, newest first, from the narrow table (a sparse cut stays cheap).

    A search's matches are misestimated (a phrase like "single sign-on": 55 rows expected, 38,626 found), and the
    planner then reads every match of the search words, whatever the other filters, to sort them. The figures already
    counted the cut (`total`): when walking the time index newest first meets a page of them within WALK_ROWS rows
    (matches spread evenly over the window), walk it.
    """
    where, params, join = fact_where(cut)
    sql = (
        f"SELECT f.item_id FROM feedback_itemfact f {join} WHERE {where} "
        "ORDER BY f.occurred_at DESC, f.item_id DESC LIMIT %s OFFSET %s"
    )
    walk = bool(cut.q) and bool(total) and (offset + limit) * _window_rows(cut) <= WALK_ROWS * total
    rows = _run(sql, [*params, limit, offset], big=False, walk_time=walk, all_rows=True)
    return [row[0] for row in rows]


# Rows a search's page of items may walk on the time index (each a heap visit: about 2-3 µs).
WALK_ROWS = 20_000


def _window_rows(cut: Cut) -> int:
    """About how many items the cut's date window holds: the store's size, scaled by the window's share of its span."""
    span = _store_span()
    stored = _store_size()
    if span is None or not (cut.start or cut.end):
        return stored
    first, last = span
    start, end = max(cut.start or first, first), min(cut.end or last, last)
    return stored * max(0, (end - start).days + 1) // max(1, (last - first).days + 1)


def _store_size() -> int:
    """The planner's own estimate of the items stored: enough to choose a plan, never shown as a figure."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'feedback_itemfact'::regclass"
        )
        return int(cursor.fetchone()[0])
