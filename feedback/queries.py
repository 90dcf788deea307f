"""Reads behind the segmented dashboard: the aggregates of one cut. Each is one query (cached per store generation)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from feedback import cache
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
        nps_avg=Avg("nps_score"),
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
        "nps_avg": round(items["nps_avg"], 1) if nps_n else None,
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
    if labels and end == (today or timezone.localdate()):
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


def blocked_deals(cut: Cut, theme_ids: list[int], *, limit: int = 10) -> list[dict[str, Any]]:
    """Open deals of the cut's accounts blocked by these themes, biggest first (one query)."""
    if not theme_ids:
        return []
    rows = (
        Opportunity.objects.filter(
            status=OpportunityStatus.OPEN,
            account__in=items_for(cut).values("account_id"),
            blocking_themes__in=theme_ids,
        )
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
        .order_by("-amount", "pk")
    )
    deals: dict[int, dict[str, Any]] = {}
    for row in rows[: limit * 4]:
        deal = deals.setdefault(row["pk"], {**row, "themes": []})
        deal["themes"].append(row["blocking_themes__name"])
    return list(deals.values())[:limit]


def dashboard(cut: Cut) -> dict[str, Any]:
    """Every aggregate the dashboard shows for a cut, cached per store generation."""
    gen = cache.generation() if cache.enabled() else None
    key = cut.cache_key() + timezone.localdate().isoformat()
    data = cache.cached("summary", key, lambda: summary(cut), gen=gen)
    series = cache.cached("series", key, lambda: weekly_by_source(cut), gen=gen)
    themes = cache.cached("themes", key, lambda: top_themes(cut), gen=gen)
    blocker_ids = [cut.theme_id] if cut.theme_id else [theme["id"] for theme in themes]
    deals = cache.cached("deals", key, lambda: blocked_deals(cut, blocker_ids), gen=gen)
    return {"summary": data, "series": series, "themes": themes, "deals": deals}


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
    """Compute the common cuts into the cache so the first PM after a sync does not wait for them."""
    if not cache.enabled():
        return 0
    cuts = warm_cuts()
    for cut in cuts:
        dashboard(cut)
    return len(cuts)
