"""The dashboard's figures of a cut, read from the fact tables (feedback/fact_models.py) instead of the item rows.

Two plans, chosen per cut:
- all-time, broad (no search, theme, account or date window narrower than the store): exact rollups. Items, NPS
  and the weekly series from feedback_dayfact (days x source x account class, ~150k rows at a million items);
  distinct accounts and their ARR from feedback_accountsourcefact; top themes from feedback_accountthemefact.
- anything else: one statement over feedback_itemfact (narrow rows, ~80 bytes instead of ~600), the cut's rows
  materialised once and every figure computed from them, with a larger work_mem for that statement only.
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


def _nps(items: int, nps_n: int, nps_sum: int, detractors: int, promoters: int) -> dict[str, Any]:
    return {
        "items": items,
        "nps_n": nps_n,
        "nps_avg": round(nps_sum / nps_n, 1) if nps_n else None,
        "nps": round(100 * (promoters - detractors) / nps_n) if nps_n else None,
        "detractor_share": round(100 * detractors / nps_n, 1) if nps_n else None,
    }


def summary_of(counts: tuple[int, int, int, int, int], accounts: int, arr: Decimal | None) -> dict[str, Any]:
    items, nps_n, nps_sum, detractors, promoters = (int(v or 0) for v in counts)
    data = _nps(items, nps_n, nps_sum, detractors, promoters)
    data["accounts"] = int(accounts or 0)
    data["arr"] = arr if arr is not None else Decimal(0)
    return data


def series_of(
    cut: Cut, rows: list[tuple[date, str, int]], start: date, end: date, today: date
) -> dict[str, Any]:
    from feedback.queries import series_chart  # the chart shape is shared with the item-row function

    return series_chart(
        cut, {(week.isoformat(), source): int(n) for week, source, n in rows}, start, end, today
    )


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
    conds, params = [], []
    mask = facts.segment_mask(cut.segments)
    if mask:
        conds.append(f"{alias}.segbits & %s = %s AND {alias}.segbits >= 0")
        params += [mask, mask]
    if cut.owner_id:
        conds.append(f"{alias}.owner_id = %s")
        params.append(cut.owner_id)
    return " AND ".join(conds) or "TRUE", params


def _sources(cut: Cut, alias: str) -> tuple[str, list[Any]]:
    if not cut.sources:
        return "TRUE", []
    return f"{alias}.source = ANY(%s)", [list(cut.sources)]


def rollup_figures(cut: Cut, *, start: date, end: date, today: date, limit: int) -> dict[str, Any]:
    """Summary, series and top themes of an all-time broad cut, from the rollup tables (four small queries)."""
    day_class, day_params = _class_filter(cut, "d")
    day_source, source_params = _sources(cut, "d")
    acct_class, acct_params = _class_filter(cut, "a")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(items), sum(nps_n), sum(nps_sum), sum(detractors), sum(promoters) FROM feedback_dayfact d "
            f"WHERE {day_class} AND {day_source}",
            [*day_params, *source_params],
        )
        counts = cursor.fetchone()
        s_source, s_params = _sources(cut, "s")
        cursor.execute(
            "SELECT count(*), sum(acc.arr) FROM feedback_account acc WHERE acc.id IN ("
            "  SELECT s.account_id FROM feedback_accountsourcefact s JOIN feedback_accountfact a USING (account_id)"
            f"  WHERE s.items > 0 AND {s_source} AND {acct_class})",
            [*s_params, *acct_params],
        )
        accounts, arr = cursor.fetchone()
        cursor.execute(
            "SELECT (d.day - (extract(isodow FROM d.day)::integer - 1))::date AS week, d.source, sum(d.items) "
            f"FROM feedback_dayfact d WHERE d.day >= %s AND {day_class} AND {day_source} "
            "GROUP BY 1, 2 HAVING sum(d.items) <> 0",
            [start, *day_params, *source_params],
        )
        series_rows = cursor.fetchall()
        t_source, t_params = _sources(cut, "t")
        theme_class, theme_params = (
            _class_filter(cut, "a") if (cut.segments or cut.owner_id) else ("TRUE", [])
        )
        join = "JOIN feedback_accountfact a USING (account_id)" if (cut.segments or cut.owner_id) else ""
        cursor.execute(
            "SELECT per.theme_id, sum(per.n) AS items, count(*) FILTER (WHERE per.account_id <> 0), "
            "coalesce(sum(acc.arr) FILTER (WHERE per.account_id <> 0), 0) FROM ("
            "  SELECT t.theme_id, t.account_id, sum(t.items) AS n FROM feedback_accountthemefact t "
            f"  {join} WHERE t.items > 0 AND {t_source} AND {theme_class} GROUP BY 1, 2"
            ") per LEFT JOIN feedback_account acc ON acc.id = per.account_id "
            "GROUP BY per.theme_id ORDER BY items DESC, per.theme_id LIMIT %s",
            [*t_params, *theme_params, limit],
        )
        theme_rows = cursor.fetchall()
    return {
        "summary": summary_of(counts, accounts, arr),
        "series": series_of(cut, series_rows, start, end, today),
        "themes": theme_rows,
    }


def cut_accounts_sql(cut: Cut) -> tuple[str, list[Any]]:
    """A subquery selecting the distinct accounts of the cut's items, for the blocked-deals query."""
    if use_rollups(cut):
        s_source, s_params = _sources(cut, "s")
        acct_class, acct_params = _class_filter(cut, "a")
        return (
            "SELECT s.account_id FROM feedback_accountsourcefact s JOIN feedback_accountfact a USING (account_id) "
            f"WHERE s.items > 0 AND {s_source} AND {acct_class}",
            [*s_params, *acct_params],
        )
    where, params, join = fact_where(cut)
    return f"SELECT f.account_id FROM feedback_itemfact f {join} WHERE {where}", params


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
        conds.append("f.theme_ids @> ARRAY[%s]::bigint[]")
        params.append(cut.theme_id)
    if cut.q:
        conds.append(
            "f.item_id IN (SELECT id FROM feedback_feedbackitem "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s))"
        )
        params.append(cut.q)
    return " AND ".join(conds) or "TRUE", params, join


def item_fact_figures(cut: Cut, *, start: date, end: date, today: date, limit: int) -> dict[str, Any]:
    """Every figure of the cut in one statement over feedback_itemfact: the cut's rows are selected once."""
    where, params, join = fact_where(cut)
    tz = timezone.get_current_timezone_name()
    sql = f"""
        WITH r AS MATERIALIZED (
            SELECT f.occurred_at, f.account_id, f.source, f.nps_score, f.theme_ids
            FROM feedback_itemfact f {join} WHERE {where}
        ),
        counts AS (
            SELECT count(*) AS items, count(nps_score) AS nps_n, coalesce(sum(nps_score), 0) AS nps_sum,
                   count(*) FILTER (WHERE nps_score <= 6) AS det, count(*) FILTER (WHERE nps_score >= 9) AS pro
            FROM r
        ),
        accts AS (
            SELECT count(*) AS n, sum(acc.arr) AS arr
            FROM (SELECT DISTINCT account_id FROM r WHERE account_id IS NOT NULL) x
            JOIN feedback_account acc ON acc.id = x.account_id
        ),
        series AS (
            SELECT json_agg(json_build_array(week, source, n)) AS rows FROM (
                SELECT date_trunc('week', timezone(%s, occurred_at))::date AS week, source, count(*) AS n
                FROM r WHERE occurred_at >= %s GROUP BY 1, 2
            ) w
        ),
        themes AS (
            SELECT json_agg(json_build_array(theme_id, items, accounts, arr::text) ORDER BY items DESC, theme_id) AS rows
            FROM (
                SELECT per.theme_id, sum(per.n) AS items, count(per.account_id) AS accounts,
                       coalesce(sum(acc.arr), 0) AS arr
                FROM (
                    SELECT th.theme_id, r.account_id, count(*) AS n
                    FROM r CROSS JOIN unnest(r.theme_ids) AS th(theme_id) GROUP BY 1, 2
                ) per LEFT JOIN feedback_account acc ON acc.id = per.account_id
                GROUP BY per.theme_id ORDER BY items DESC, per.theme_id LIMIT %s
            ) t
        )
        SELECT counts.items, counts.nps_n, counts.nps_sum, counts.det, counts.pro, accts.n, accts.arr,
               series.rows, themes.rows
        FROM counts, accts, series, themes
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, [*params, tz, aware_day(start), limit])
        row = cursor.fetchone()
    counts, accounts, arr, series_rows, theme_rows = row[:5], row[5], row[6], row[7] or [], row[8] or []
    return {
        "summary": summary_of(counts, accounts, arr),
        "series": series_of(
            cut, [(date.fromisoformat(w), s, n) for w, s, n in series_rows], start, end, today
        ),
        "themes": [(t, n, a, Decimal(v)) for t, n, a, v in theme_rows],
    }


def page_ids(cut: Cut, *, offset: int, limit: int) -> list[int]:
    """Ids of one page of the cut's items, newest first, from the narrow table (a sparse cut stays cheap)."""
    where, params, join = fact_where(cut)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.item_id FROM feedback_itemfact f {join} WHERE {where} "
            "ORDER BY f.occurred_at DESC, f.item_id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]
