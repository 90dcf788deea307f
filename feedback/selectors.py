"""Reads over the feedback store. Views call these; they return QuerySets or plain data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from feedback import facts, queries, segments
from feedback.fact_models import AccountThemeFact
from feedback.filters import Cut, items_for
from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    Opportunity,
    OpportunityStatus,
    Source,
    Theme,
)


def accounts_asking_about(theme_ids: list[int]) -> QuerySet[AccountThemeFact]:
    """Ids (`account_id` values) of the accounts with at least one item tagged with any of `theme_ids`.

    Read from the account-theme fact table (a person's untag excluded, kept exact by triggers whatever the segment
    thresholds) instead of every item of the themes: tens of thousands of rows instead of a million. This
    transaction's own pending fact deltas are applied first, so a reader sees its own writes.
    """
    facts.flush()
    return AccountThemeFact.objects.filter(theme_id__in=theme_ids).values("account_id").distinct()


def accounts_matching(text: str, *, limit: int = 2) -> list[Account]:
    """Accounts a person means by `text`: exact name or domain (any case) or Salesforce id."""
    text = text.strip()
    if not text:
        return []
    return list(
        Account.objects.filter(Q(name__iexact=text) | Q(domain__iexact=text) | Q(salesforce_id=text))[:limit]
    )


def weekly_item_counts(segment_key: str, *, weeks: int, now: datetime | None = None) -> dict[str, int]:
    """Items per ISO week (Monday date, 'YYYY-MM-DD') from accounts currently in a segment."""
    since = (now or timezone.now()) - timedelta(weeks=weeks)
    rows = (
        FeedbackItem.objects.filter(segments.item_q(segment_key), occurred_at__gte=since)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return {row["week"].date().isoformat(): row["n"] for row in rows}


def week_labels(*, weeks: int, now: datetime | None = None) -> list[str]:
    today = (now or timezone.now()).date()
    this_monday = today - timedelta(days=today.weekday())
    return [(this_monday - timedelta(weeks=n)).isoformat() for n in range(weeks, -1, -1)]


def week_display_labels(week_starts: list[str]) -> list[str]:
    """'Nov 16' style labels; the current week is marked as partial so its dip is not misread as a trend."""
    labels = [date.fromisoformat(week).strftime("%b %-d") for week in week_starts]
    if labels:
        labels[-1] += " (so far)"
    return labels


# --- Themes ------------------------------------------------------------------------------------------------------


def theme_list_rows() -> list[dict[str, Any]]:
    """Every live theme with its items, accounts, ARR (cached with the dashboard's figures) and blocked deals."""
    stats = {row["id"]: row for row in queries.all_themes()}
    deals = {
        row["blocking_themes"]: row
        for row in Opportunity.objects.filter(status=OpportunityStatus.OPEN, blocking_themes__isnull=False)
        .values("blocking_themes")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    }
    rows = []
    for theme in Theme.objects.filter(merged_into__isnull=True).order_by("name"):
        stat = stats.get(theme.pk, {})
        deal = deals.get(theme.pk, {})
        rows.append(
            {
                "theme": theme,
                "items": stat.get("items", 0),
                "accounts": stat.get("accounts", 0),
                "arr": stat.get("arr", Decimal(0)),
                "arr_unknown": stat.get("arr_unknown", 0),
                "deals": deal.get("n", 0),
                "deal_amount": deal.get("amount") or Decimal(0),
            }
        )
    rows.sort(key=lambda row: (-row["arr"], row["theme"].name))
    return rows


def theme_links(theme: Theme) -> QuerySet[FeedbackTheme]:
    return FeedbackTheme.objects.filter(theme=theme, removed=False)


def theme_by_month(theme: Theme, *, months: int = 12, today: date | None = None) -> dict[str, Any]:
    """Items of a theme per month, per source and per segment, as two Chart.js data sets."""
    today = today or timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    month_keys: list[str] = []
    cursor = first
    while cursor <= today:
        month_keys.append(cursor.isoformat())
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    base = Cut(theme_id=theme.pk)
    by_source: dict[tuple[str, str], int] = {}
    for month, source, n in (
        items_for(base)
        .filter(occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", "source")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_source[(month.date().isoformat(), source)] = n
    segment_series = []
    for key, label in THEME_SEGMENTS:
        counts = dict(
            (month.date().isoformat(), n)
            for month, n in items_for(Cut(theme_id=theme.pk, segments=(key,)))
            .filter(occurred_at__gte=since)
            .annotate(month=TruncMonth("occurred_at"))
            .values_list("month")
            .annotate(n=Count("id"))
            .values_list("month", "n")
            .order_by()
        )
        segment_series.append({"label": label, "data": [counts.get(m, 0) for m in month_keys]})
    labels = [date.fromisoformat(m).strftime("%b %Y") for m in month_keys]
    sources = {
        "labels": labels,
        "datasets": [
            {"label": label, "data": [by_source.get((m, value), 0) for m in month_keys]}
            for value, label in Source.choices
            if any(by_source.get((m, value)) for m in month_keys)
        ],
    }
    return {"sources": sources, "segments": {"labels": labels, "datasets": segment_series}}


THEME_SEGMENTS = (
    ("churn_risk", "Churn risk"),
    ("expansion", "Expansion"),
    ("high_priority_deal", "High-priority deals"),
    ("prospect", "Prospects"),
)


def theme_accounts(theme: Theme, *, limit: int = 15) -> QuerySet[Account]:
    """The accounts behind a theme, biggest ARR first, with how many of their items carry it."""
    return (
        Account.objects.filter(feedback__theme_links__theme=theme, feedback__theme_links__removed=False)
        .annotate(mentions=Count("feedback", distinct=True))
        .select_related("owner_csm")
        .order_by(F("arr").desc(nulls_last=True), "name")[:limit]
    )


def theme_open_deals(theme: Theme, *, limit: int = 15) -> dict[str, Any]:
    """The biggest open deals a theme blocks, and how many there are in all with their total amount."""
    deals = theme.blocked_opportunities.filter(status=OpportunityStatus.OPEN)
    totals = deals.aggregate(
        unknown=Count("id", filter=Q(amount__isnull=True)), n=Count("id"), amount=Sum("amount")
    )
    top = list(deals.select_related("account").order_by(F("amount").desc(nulls_last=True), "pk")[:limit])
    # The total is of the known amounts; `unknown` says how many deals it leaves out.
    return {
        "top": top,
        "count": totals["n"],
        "amount": totals["amount"] or Decimal(0),
        "unknown": totals["unknown"],
    }


def theme_releases(theme: Theme) -> list[Any]:
    """Releases that address the theme (readiness.Release.themes), soonest launch first."""
    return list(theme.releases.order_by("launch_date")[:20])


def theme_recent_items(theme: Theme, *, limit: int = 25) -> list[FeedbackItem]:
    return list(
        items_for(Cut(theme_id=theme.pk))
        .select_related("account")
        .defer("raw")
        .order_by("-occurred_at", "-id")[:limit]
    )


# --- Accounts ----------------------------------------------------------------------------------------------------


def account_open_deals(account: Account) -> list[Opportunity]:
    return list(
        account.opportunities.filter(status=OpportunityStatus.OPEN)
        .prefetch_related("blocking_themes")
        .order_by(F("amount").desc(nulls_last=True))
    )


def account_usage(account: Account) -> dict[str, Any]:
    """Usage metrics per week as Chart.js data, one line per metric."""
    rows = list(account.usage_metrics.order_by("date").values_list("metric", "date", "value"))
    days = sorted({day for _m, day, _v in rows})
    metrics = sorted({metric for metric, _d, _v in rows})
    values = {(metric, day): value for metric, day, value in rows}
    return {
        "labels": [day.strftime("%b %-d") for day in days],
        "datasets": [
            {"label": metric.replace("_", " "), "data": [values.get((metric, d)) for d in days]}
            for metric in metrics
        ],
    }


def account_source_counts(account: Account) -> dict[str, int]:
    return dict(
        account.feedback.values_list("source").annotate(n=Count("id")).values_list("source", "n").order_by()
    )


def account_timeline(
    account: Account, *, source: str = "", theme_id: int | None = None, limit: int = 100
) -> list[FeedbackItem]:
    qs = account.feedback.all()
    if source:
        qs = qs.filter(source=source)
    if theme_id:
        qs = qs.filter(
            pk__in=FeedbackTheme.objects.filter(theme_id=theme_id, removed=False).values("item_id")
        )
    return list(qs.defer("raw").prefetch_related(live_theme_links()).order_by("-occurred_at", "-id")[:limit])


def duplicate_groups(account: Account, *, window: int = 300) -> dict[int, int]:
    """Near-identical items of one account (pg_trgm similarity of title + body), as {item id: group leader id}.

    Only the account's latest `window` items are compared (n² pairs stay small).
    """
    sql = """
        WITH recent AS (
            SELECT id, coalesce(title, '') || ' ' || coalesce(body, '') AS text
            FROM feedback_feedbackitem WHERE account_id = %s ORDER BY occurred_at DESC LIMIT %s
        )
        SELECT a.id, b.id FROM recent a JOIN recent b ON a.id < b.id
        WHERE similarity(a.text, b.text) >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [account.pk, window, float(settings.FEEDBACK_DUPLICATE_SIMILARITY)])
        pairs = cursor.fetchall()
    leader: dict[int, int] = {}

    def find(x: int) -> int:
        while leader.get(x, x) != x:
            x = leader[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            leader[max(ra, rb)] = min(ra, rb)
    members = {x for pair in pairs for x in pair}
    return {x: find(x) for x in members}


def live_theme_links() -> Prefetch:
    """Each item's current theme links (a person's untag excluded), as `item.live_links`, in one query."""
    return Prefetch(
        "theme_links",
        queryset=FeedbackTheme.objects.filter(removed=False).select_related("theme").order_by("theme__name"),
        to_attr="live_links",
    )
