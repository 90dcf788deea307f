"""Reads over the feedback store. Views call these; they return QuerySets or plain data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from feedback import segments
from feedback.models import Account, FeedbackItem


def recent_items(limit: int = 20) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.select_related("account").order_by("-occurred_at")[:limit]


def store_totals() -> dict[str, int | Decimal]:
    account_totals = Account.objects.aggregate(accounts=Count("id"), arr=Sum("arr"))
    return {
        "items": FeedbackItem.objects.count(),
        "accounts": account_totals["accounts"] or 0,
        "arr": account_totals["arr"] or Decimal(0),
    }


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
