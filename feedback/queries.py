"""Reads behind the segmented dashboard: the figures of one cut.

`dashboard(cut)` reads them from the fact tables (feedback/fact_queries.py) and caches them per cut under the
versions of the tables they depend on, read in the page's own snapshot (see `snapshot()`). The functions named
after each figure (`summary`, `weekly_by_source`, `top_themes`, `blocked_deals`) compute the same figures
straight from the item rows: the reference the tests compare against, and the fallback while the fact tables are
being rebuilt for changed thresholds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncWeek
from django.utils import timezone

from feedback import cache, fact_queries, facts
from feedback.filters import Cut, aware_day, items_for
from feedback.models import Account, Opportunity, OpportunityStatus, Source, Theme

MAX_SERIES_WEEKS = 104
DEFAULT_SERIES_WEEKS = 52
TOP_THEMES = 10


def summary(cut: Cut) -> dict[str, Any]:
    """Item count, NPS figures, and the distinct accounts with their ARR (two queries)."""
    items = items_for(cut).aggregate(
        items=Count("id"),
        nps_n=Count("nps_score"),
        nps_sum=Sum("nps_score"),
        detractors=Count("id", filter=Q(nps_score__lte=6)),
        promoters=Count("id", filter=Q(nps_score__gte=9)),
    )
    accounts = Account.objects.filter(pk__in=items_for(cut).values("account_id")).aggregate(
        # arr_unknown first: once "arr" names the sum, a filter on the column of that name is refused.
        arr_unknown=Count("id", filter=Q(arr__isnull=True)),
        accounts=Count("id"),
        arr=Sum("arr"),
    )
    nps_n = items["nps_n"]
    return {
        "items": items["items"],
        "accounts": accounts["accounts"],
        "arr": accounts["arr"] or Decimal(0),  # the known ARR only: unknown is not zero
        "arr_unknown": accounts["arr_unknown"],  # accounts whose ARR the sum leaves out
        "nps_n": nps_n,
        "nps_avg": round(items["nps_sum"] / nps_n, 1) if nps_n else None,
        # The NPS itself (% promoters minus % detractors) and the detractor share, over the NPS answers in the cut.
        "nps": round(100 * (items["promoters"] - items["detractors"]) / nps_n) if nps_n else None,
        "detractor_share": round(100 * items["detractors"] / nps_n, 1) if nps_n else None,
    }


def series_window(cut: Cut, *, today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = min(cut.end or today, today)
    start = cut.start or end - timedelta(weeks=DEFAULT_SERIES_WEEKS)
    start = max(start, end - timedelta(weeks=MAX_SERIES_WEEKS))
    return start - timedelta(days=start.weekday()), end


def weekly_by_source(cut: Cut, *, today: date | None = None) -> dict[str, Any]:
    """Items per week per source over the cut's window (at most two years), as Chart.js data."""
    start, end = series_window(cut, today=today)
    rows = (
        items_for(cut)
        .filter(occurred_at__gte=aware_day(start))
        .annotate(week=TruncWeek("occurred_at"))
        .values_list("week", "source")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {}
    for week, source, n in rows:
        counts[(week.date().isoformat(), source)] = n
    return series_chart(cut, counts, start, end, today or timezone.localdate())


def series_chart(
    cut: Cut, counts: dict[tuple[str, str], int], start: date, end: date, today: date
) -> dict[str, Any]:
    """Chart.js data for {(week start ISO date, source): items}."""
    weeks: list[str] = []
    cursor = start
    while cursor <= end:
        weeks.append(cursor.isoformat())
        cursor += timedelta(weeks=1)
    datasets = [
        {"label": label, "data": [counts.get((week, value), 0) for week in weeks]}
        for value, label in Source.choices
        if cut.sources == () or value in cut.sources
    ]
    labels = [date.fromisoformat(week).strftime("%b %-d") for week in weeks]
    if labels and end == today:
        labels[-1] += " (so far)"  # the current week is partial: its dip is not a trend
    return {"labels": labels, "datasets": datasets}


def top_themes(cut: Cut, *, limit: int = TOP_THEMES) -> list[dict[str, Any]]:
    """The themes most mentioned in the cut: items, distinct accounts and the ARR of those accounts."""
    inner_sql, params = items_for(cut).values("id", "account_id").query.sql_with_params()
    sql = f"""
        SELECT per_account.theme_id, SUM(per_account.n) AS items, COUNT(per_account.account_id) AS accounts,
               COALESCE(SUM(a.arr), 0) AS arr, COUNT(a.id) FILTER (WHERE a.arr IS NULL) AS arr_unknown
        FROM (
            SELECT ft.theme_id, i.account_id, COUNT(*) AS n
            FROM feedback_feedbacktheme ft JOIN ({inner_sql}) i ON i.id = ft.item_id
            WHERE NOT ft.removed
            GROUP BY ft.theme_id, i.account_id
        ) per_account
        LEFT JOIN feedback_account a ON a.id = per_account.account_id
        GROUP BY per_account.theme_id
        ORDER BY items DESC, per_account.theme_id
        LIMIT %s
    """  # inner_sql is compiled by Django and every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    names = dict(Theme.objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", "name"))
    return [
        {
            "id": theme_id,
            "name": names.get(theme_id, "?"),
            "items": int(n),
            "accounts": int(accts),
            "arr": arr,
            "arr_unknown": int(arr_unknown),
        }
        for theme_id, n, accts, arr, arr_unknown in rows
    ]


DEALS_SHOWN = 10
DEAL_ROWS = DEALS_SHOWN * 4  # rows of (deal, blocking theme) read for them, biggest deals first


def blocked_deals(
    cut: Cut,
    theme_ids: list[int],
    *,
    limit: int = DEALS_SHOWN,
    accounts: Any = None,
    deal_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Open deals of the cut's accounts blocked by these themes, biggest first (one query).

    The cut's accounts come from the item rows unless given (a subquery over the fact tables), or the candidate
    deals are given (`deal_ids`, already those of the cut's accounts)."""
    if not theme_ids or deal_ids == []:
        return []
    if deal_ids is not None:
        among = Q(pk__in=deal_ids)
    else:
        among = Q(account__in=accounts if accounts is not None else items_for(cut).values("account_id"))
    rows = (
        Opportunity.objects.filter(among, status=OpportunityStatus.OPEN, blocking_themes__in=theme_ids)
        .values(
            "pk",
            "name",
            "amount",
            "stage",
            "close_date",
            "account_id",
            "account__name",
            "blocking_themes__name",
        )
        .order_by(F("amount").desc(nulls_last=True), "pk")  # an unknown amount is not the biggest
    )
    deals: dict[int, dict[str, Any]] = {}
    for row in rows[: limit * DEAL_ROWS // DEALS_SHOWN]:
        deal = deals.setdefault(row["pk"], {**row, "themes": []})
        deal["themes"].append(row["blocking_themes__name"])
    return list(deals.values())[:limit]


@contextmanager
def snapshot() -> Iterator[None]:
    """Read the page's figures, cache versions and items list in one REPEATABLE READ snapshot.

    So a write the items list shows is in the figures too, and figures cached under a version are exactly those of
    that version. Inside a caller's transaction (tests, a write that re-renders) that transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _theme_rows(rows: list[tuple[int, int, int, Any, int]]) -> list[dict[str, Any]]:
    names = dict(Theme.objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", "name"))
    return [
        {
            "id": theme_id,
            "name": names.get(theme_id, "?"),
            "items": int(n),
            "accounts": int(accts),
            "arr": arr,
            "arr_unknown": int(unknown),
        }
        for theme_id, n, accts, arr, unknown in rows
    ]


def figures(
    cut: Cut, *, today: date | None = None, limit: int = TOP_THEMES, flushed: bool = False
) -> dict[str, Any]:
    """Summary, weekly series, top themes and blocked deals of a cut, from the fact tables (one statement, then
    theme names and the deals). `flushed`: this transaction's own writes are already in the facts (`facts.state()`
    applied them)."""
    if not flushed:
        facts.flush()
    today = today or timezone.localdate()
    start, end = series_window(cut, today=today)
    plan = fact_queries.rollup_figures if fact_queries.use_rollups(cut) else fact_queries.item_fact_figures
    data = plan(cut, start=start, limit=limit, deal_rows=DEAL_ROWS)
    themes = _theme_rows(data["themes"])
    blocker_ids = [cut.theme_id] if cut.theme_id else [theme["id"] for theme in themes]
    if "deal_ids" in data:  # the statement found the candidate deals itself
        deals = blocked_deals(cut, blocker_ids, deal_ids=data["deal_ids"])
    else:
        deals = blocked_deals(cut, blocker_ids, accounts=RawSQL(*data["deal_accounts"]))
    return {
        "summary": data["summary"],
        "series": series_chart(cut, data["series_counts"], start, end, today),
        "themes": themes,
        "deals": deals,
    }


def figures_from_items(cut: Cut, *, today: date | None = None, limit: int = TOP_THEMES) -> dict[str, Any]:
    """The same figures straight from the item rows."""
    themes = top_themes(cut, limit=limit)
    blocker_ids = [cut.theme_id] if cut.theme_id else [theme["id"] for theme in themes]
    return {
        "summary": summary(cut),
        "series": weekly_by_source(cut, today=today),
        "themes": themes,
        "deals": blocked_deals(cut, blocker_ids),
    }


def page_ids(cut: Cut, *, offset: int, limit: int, from_facts: bool, total: int | None = None) -> list[int]:
    """Ids of one page of the cut's items, newest first (`from_facts`: as `dashboard()` said it may; `total`: the
    cut's item count, when known, helps choose the plan)."""
    if from_facts:
        return fact_queries.page_ids(cut, offset=offset, limit=limit, total=total)
    rows = items_for(cut).order_by("-occurred_at", "-id").values_list("pk", flat=True)
    return list(rows[offset : offset + limit])


def dashboard(cut: Cut) -> dict[str, Any]:
    """Every aggregate the dashboard shows for a cut; cached per cut and per version of the tables it reads."""
    today = timezone.localdate()
    usable, versions = facts.state()
    compute = partial(figures, flushed=True) if usable else figures_from_items
    key = f"{cut.cache_key()}:{today.isoformat()}:{'facts' if usable else 'items'}"
    gen = facts.version_key(versions)
    data = cache.cached("figures", key, lambda: compute(cut, today=today), gen=gen)
    return {
        **data,
        "from_facts": usable,
        "gen": gen,
    }  # gen: the versions, for what the page caches beside them


def warm_cuts() -> list[Cut]:
    """The cuts PMs open first: everything, and each segment alone (last 90 days and all time)."""
    from feedback.segments import segments

    today = timezone.localdate()
    cuts = [Cut(), Cut(start=today - timedelta(days=90), days="90")]
    for segment in segments():
        cuts.append(Cut(segments=(segment.key,)))
        cuts.append(Cut(segments=(segment.key,), start=today - timedelta(days=90), days="90"))
    return cuts


def warm() -> int:
    """Compute the common cuts into the cache so the first PM after a sync finds them ready; fold the change log.

    When the segment thresholds changed since the fact tables were built, rebuild them first (until then the
    dashboard computes from the item rows)."""
    if not facts.usable():
        facts.rebuild()
    facts.compact_changes()
    if not cache.enabled():
        return 0
    cuts = warm_cuts()
    for cut in cuts:
        with snapshot():
            dashboard(cut)
    return len(cuts)


def all_themes() -> list[dict[str, Any]]:
    """Items, distinct accounts and ARR of every theme over the whole store (the themes page), cached."""
    usable, versions = facts.state()
    gen = facts.version_key(versions)
    if usable:
        return cache.cached(
            "theme-list",
            "facts",
            lambda: _theme_rows(
                fact_queries.rollup_figures(Cut(), start=timezone.localdate(), limit=10_000)["themes"]
            ),
            gen=gen,
        )
    return cache.cached("theme-list", "items", lambda: top_themes(Cut(), limit=10_000), gen=gen)
