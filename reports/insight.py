"""The Strategic Insight report's figures: per theme, three revenue figures kept apart and the customer pain beside them.

Two queries whatever the number of themes or rows: open deals blocked (by theme and stage), and one pass over the
feedback in the window that gives both the pain figures (by source, trend bucket and window half) and the accounts that
asked (with their ARR, segment and usage).
Money is summed over known amounts only; an unknown (NULL) amount or ARR is counted apart and shown as unknown.

The figures are plain JSON-able data so a saved report can store them and show the same numbers later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from feedback import segments
from feedback.models import Account, Opportunity, OpportunityStatus, Source, Theme

# NPS detractors answer 0-6 (the same cut-off as the dashboard's NPS figures).
DETRACTOR_MAX = 6
# A month-by-month trend needs a few months; shorter windows are shown week by week.
WEEKLY_UP_TO_DAYS = 120
USAGE_WEEKS = 4
# An account whose usage fell by more than this share counts as "declining".
USAGE_DECLINE = 0.10


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive: the day of the data

    @classmethod
    def ending(cls, end: date, days: int) -> Window:
        return cls(start=end - timedelta(days=days - 1), end=end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def bucket(self) -> str:
        return "week" if self.days <= WEEKLY_UP_TO_DAYS else "month"

    @property
    def midpoint(self) -> date:
        return self.start + timedelta(days=self.days // 2)

    def buckets(self) -> list[date]:
        """The first day of each trend bucket (week from Monday, or calendar month) that overlaps the window."""
        if self.bucket == "week":
            cursor = self.start - timedelta(days=self.start.weekday())
            step = lambda d: d + timedelta(weeks=1)  # noqa: E731
        else:
            cursor = self.start.replace(day=1)
            step = lambda d: (d + timedelta(days=32)).replace(day=1)  # noqa: E731
        days = []
        while cursor <= self.end:
            days.append(cursor)
            cursor = step(cursor)
        return days

    def labels(self) -> list[str]:
        fmt = "%b %-d" if self.bucket == "week" else "%b %Y"
        buckets = self.buckets()
        labels = [day.strftime(fmt) for day in buckets]
        if labels:
            labels[-1] += " (so far)"  # the current bucket is partial: its dip is not a trend
            if buckets[0] != self.start:
                labels[0] += f" (from {self.start:%b %-d})"  # so is the first, cut by the window's start
        return labels


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def _money(value: Decimal | str | None) -> str:
    return str(Decimal(value if value is not None else 0).quantize(Decimal("0.01")))


def _change(early: int, late: int) -> float | None:
    """Late half against early half of the window, in percent; None when the early half had nothing."""
    return round(100 * (late - early) / early, 1) if early else None


def pipeline_figures(theme_ids: list[int], *, today: date) -> dict[int, dict[str, Any]]:
    """Open deals naming each theme as a blocker: known amount, count, unknown amounts, stages, nearest close."""
    through = Opportunity.blocking_themes.through
    rows = (
        through.objects.filter(theme_id__in=theme_ids, opportunity__status=OpportunityStatus.OPEN)
        .values_list("theme_id", "opportunity__stage")
        .annotate(
            n=Count("id"),
            amount=Sum("opportunity__amount"),
            unknown=Count("id", filter=Q(opportunity__amount__isnull=True)),
            nearest=Min("opportunity__close_date", filter=Q(opportunity__close_date__gte=today)),
            overdue=Count("id", filter=Q(opportunity__close_date__lt=today)),
        )
        .order_by()
    )
    out = {pk: _empty_pipeline() for pk in theme_ids}
    for theme_id, stage, n, amount, unknown, nearest, overdue in rows:
        fig = out[theme_id]
        fig["count"] += n
        fig["unknown"] += unknown
        fig["overdue"] += overdue
        if amount is not None:  # a stage whose deals all lack an amount adds nothing (unknown is not zero)
            fig["amount"] = _money(Decimal(fig["amount"]) + amount)
        fig["stages"].append([stage or "(no stage)", n])
        if nearest and (fig["nearest_close"] is None or nearest.isoformat() < fig["nearest_close"]):
            fig["nearest_close"] = nearest.isoformat()
    for fig in out.values():
        fig["stages"].sort(key=lambda pair: (-pair[1], pair[0]))
    return out


def _empty_pipeline() -> dict[str, Any]:
    return {"amount": "0.00", "count": 0, "unknown": 0, "overdue": 0, "stages": [], "nearest_close": None}


def _segment_sql(key: str) -> tuple[str, list[Any]]:
    """A segment's account ids as SQL, compiled from feedback.segments so the report and the dashboard agree."""
    qs = Account.objects.filter(segments.account_q(key)).order_by().values("pk")
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


# One pass over the theme links joined to their items in the window, grouped as finely as both readers need; the
# pain figures and the account figures are then two small aggregates over it. Reading the items table once is what
# the report costs at scale (see bench/reports.py).
_FEEDBACK_SQL = """
    WITH base AS MATERIALIZED (
        SELECT ft.theme_id, i.account_id, i.source,
               date_trunc(%s, i.occurred_at)::date AS bucket, i.occurred_at >= %s AS late,
               COUNT(*) AS n, COUNT(i.nps_score) AS nps_n, COUNT(*) FILTER (WHERE i.nps_score <= %s) AS detractors
        FROM feedback_feedbacktheme ft JOIN feedback_feedbackitem i ON i.id = ft.item_id
        WHERE ft.theme_id = ANY(%s) AND NOT ft.removed AND i.occurred_at >= %s AND i.occurred_at < %s
        GROUP BY 1, 2, 3, 4, 5
    ), asked AS (
        SELECT theme_id, account_id, SUM(n) FILTER (WHERE source = %s) AS calls
        FROM base WHERE account_id IS NOT NULL GROUP BY 1, 2
    ), usage AS (
        SELECT account_id, AVG(value) FILTER (WHERE date > %s) AS recent, AVG(value) FILTER (WHERE date <= %s) AS before
        FROM feedback_usagemetric WHERE metric = %s AND date > %s AND date <= %s
        GROUP BY account_id
    ), seg AS (
        SELECT a.id, a.arr, cust.id IS NOT NULL AS customer, churn.id IS NOT NULL AS churn
        FROM feedback_account a
        LEFT JOIN ({customer}) AS cust (id) ON cust.id = a.id
        LEFT JOIN ({churn}) AS churn (id) ON churn.id = a.id
    )
    SELECT 'pain', theme_id,
           json_build_array(source, bucket, late, SUM(n), SUM(nps_n), SUM(detractors))
    FROM base GROUP BY theme_id, source, bucket, late
    UNION ALL
    SELECT 'accounts', asked.theme_id, json_build_array(
           COUNT(*),
           COUNT(*) FILTER (WHERE asked.calls > 0),
           COUNT(*) FILTER (WHERE seg.customer),
           (SUM(seg.arr) FILTER (WHERE seg.customer))::text,
           COUNT(*) FILTER (WHERE seg.customer AND seg.arr IS NULL),
           COUNT(*) FILTER (WHERE seg.churn),
           (SUM(seg.arr) FILTER (WHERE seg.churn))::text,
           COUNT(*) FILTER (WHERE seg.churn AND seg.arr IS NULL),
           COUNT(*) FILTER (WHERE u.recent IS NOT NULL AND u.before > 0),
           AVG((u.recent - u.before) / u.before) FILTER (WHERE u.recent IS NOT NULL AND u.before > 0),
           COUNT(*) FILTER (WHERE u.before > 0 AND u.recent < u.before * %s))
    FROM asked JOIN seg ON seg.id = asked.account_id
    LEFT JOIN usage u ON u.account_id = asked.account_id
    GROUP BY asked.theme_id
"""


def _run_feedback_sql(theme_ids: list[int], window: Window) -> list[tuple[str, int, list[Any]]]:
    customer_sql, customer_params = _segment_sql("customer")
    churn_sql, churn_params = _segment_sql("churn_risk")
    sql = _FEEDBACK_SQL.format(customer=customer_sql, churn=churn_sql)
    usage_split = window.end - timedelta(weeks=USAGE_WEEKS)
    params: list[Any] = [
        window.bucket,
        _aware(window.midpoint),
        DETRACTOR_MAX,
        list(theme_ids),
        _aware(window.start),
        _aware(window.end + timedelta(days=1)),
        Source.GONG,
        usage_split,
        usage_split,
        settings.INSIGHT_USAGE_METRIC,
        window.end - timedelta(weeks=2 * USAGE_WEEKS),
        window.end,
        *customer_params,
        *churn_params,
        1 - USAGE_DECLINE,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compilation cost seconds on this one-off aggregate (measured at 1M items) and saved nothing; the
        # sorts and hashes over a few hundred thousand links fit in memory with a little more than the default.
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)  # the segment SQL is compiled by Django and every value is a parameter
        return cursor.fetchall()


def feedback_figures(theme_ids: list[int], window: Window) -> tuple[dict[int, Any], dict[int, Any]]:
    """Per theme, over the window: the pain figures (Gong calls, Zendesk tickets, NPS answers and detractors, all
    mentions; each as a total, a series per trend bucket and the change from the first half of the window to the
    second) and the accounts that asked: installed-base demand (paying customers' ARR), ARR at risk (churn-risk
    customers' ARR), distinct accounts on Gong calls, and the usage trend where there is usage data. An account in
    both segments counts in both columns, once in each."""
    buckets = [day.isoformat() for day in window.buckets()]
    index = {day: n for n, day in enumerate(buckets)}
    pain = {pk: _empty_pain(len(buckets)) for pk in theme_ids}
    accounts = {pk: _empty_accounts() for pk in theme_ids}
    for kind, theme_id, row in _run_feedback_sql(theme_ids, window):
        if kind == "pain":
            _add_pain(pain[theme_id], index, *row)
        else:
            accounts[theme_id] = _accounts_from(row)
    for fig in pain.values():
        answers = fig["nps_answers"]
        fig["detractor_share"] = round(100 * fig["detractors"] / answers, 1) if answers else None
        fig["change"] = {key: _change(*fig["halves"][key]) for key in PAIN_KEYS}
    return pain, accounts


PAIN_KEYS = ("calls", "tickets", "detractors", "mentions")


def _empty_pain(buckets: int) -> dict[str, Any]:
    return {
        "calls": 0,
        "tickets": 0,
        "nps_answers": 0,
        "detractors": 0,
        "mentions": 0,
        "series": {key: [0] * buckets for key in PAIN_KEYS},
        "halves": {key: [0, 0] for key in PAIN_KEYS},
    }


def _add_pain(
    fig: dict[str, Any],
    index: dict[str, int],
    source: str,
    bucket: str,
    late: bool,
    n: int,
    nps_n: int,
    det: int,
) -> None:
    slot = index.get(bucket)
    counted = {"mentions": n}
    if source == Source.GONG:
        counted["calls"] = n
    elif source == Source.ZENDESK:
        counted["tickets"] = n
    elif source == Source.NPS:
        counted["detractors"] = det
        fig["nps_answers"] += nps_n
    for key, value in counted.items():
        fig[key] += value
        fig["halves"][key][1 if late else 0] += value
        if slot is not None:
            fig["series"][key][slot] += value


def _accounts_from(row: list[Any]) -> dict[str, Any]:
    accounts, call_accounts, cust, cust_arr, cust_unknown, churn, churn_arr, churn_unknown = row[:8]
    usage_n, usage_change, declining = row[8:]
    return {
        "accounts": accounts,
        "call_accounts": call_accounts,
        "installed": {"arr": _money(cust_arr), "accounts": cust, "unknown": cust_unknown},
        "at_risk": {"arr": _money(churn_arr), "accounts": churn, "unknown": churn_unknown},
        "usage": {
            "accounts": usage_n,
            "change": round(100 * float(usage_change), 1) if usage_change is not None else None,
            "declining": declining,
            "metric": settings.INSIGHT_USAGE_METRIC.replace("_", " "),
        },
    }


def _empty_accounts() -> dict[str, Any]:
    return _accounts_from([0, 0, 0, None, 0, 0, None, 0, 0, None, 0])


def compute(themes: list[Theme], window: Window, *, as_of: datetime | None = None) -> dict[str, Any]:
    """Every figure of the report for these themes, as JSON-able data (what a saved report stores)."""
    as_of = as_of or timezone.now()
    ids = [theme.pk for theme in themes]
    pipeline = pipeline_figures(ids, today=window.end)
    pain, accounts = feedback_figures(ids, window)
    return {
        "data_as_of": as_of.isoformat(),
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat(), "bucket": window.bucket},
        "labels": window.labels(),
        "themes": [
            {
                "id": theme.pk,
                "name": theme.name,
                "pipeline": pipeline[theme.pk],
                "pain": pain[theme.pk],
                **accounts[theme.pk],
            }
            for theme in themes
        ],
    }
