"""Reads for the inbound-question log, its quality trend, and PMs' customer contact from Gong calls."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from audits.models import Category, InboundQuestion, Team
from feedback.models import FeedbackItem, Source

CLASSES = (Category.STRATEGY, Category.STATUS, Category.HOW_TO)


def inbound_log(*, category: str = "", team: str = "", source: str = "") -> QuerySet[InboundQuestion]:
    queryset = InboundQuestion.objects.select_related(
        "asked_by", "asked_of", "release", "matched_rule", "override_by"
    ).order_by("-asked_at", "-id")
    if category:
        queryset = queryset.filter(category=category)
    if team:
        queryset = queryset.filter(team=team)
    if source:
        queryset = queryset.filter(source=source)
    return queryset


def inbound_category_counts(*, start: datetime, end: datetime, team: str = "") -> dict[str, int]:
    queryset = InboundQuestion.objects.filter(asked_at__gte=start, asked_at__lt=end)
    if team:
        queryset = queryset.filter(team=team)
    return dict(queryset.values_list("category").annotate(n=Count("id")).values_list("category", "n"))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


ROLLING_WEEKS = 4


def inbound_quality_over_time(
    *, weeks: int = 13, today: date | None = None, team: str = ""
) -> dict[str, Any]:
    """Weekly share of strategy questions per team (line chart), and weekly counts by class (stacked bars), over
    the last `weeks` weeks including the current one. Each week's share is taken over the 4 weeks ending with it:
    a team asks a handful of questions a week, and a one-week share swings from 0 to 100 on one question.
    Unclassified questions count in neither numerator nor denominator: the share is of classified questions."""
    today = today or timezone.localdate()
    first = _monday(today) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    since = first - timedelta(weeks=ROLLING_WEEKS - 1)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    rows = (
        InboundQuestion.objects.filter(asked_at__gte=start)
        .annotate(week=TruncWeek("asked_at"))
        .values_list("week", "team", "category")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[date, str, str], int] = defaultdict(int)
    for week, team_key, category, n in rows:
        counts[
            (timezone.localtime(week).date() if timezone.is_aware(week) else week.date(), team_key, category)
        ] += n

    def share(monday: date, teams: list[str]) -> float | None:
        window = [monday - timedelta(weeks=i) for i in range(ROLLING_WEEKS)]
        classified = sum(counts[(w, t, c)] for w in window for t in teams for c in CLASSES)
        if not classified:
            return None
        strategy = sum(counts[(w, t, Category.STRATEGY)] for w in window for t in teams)
        return round(100.0 * strategy / classified, 1)

    all_teams = [t for t, _label in Team.choices]
    share_datasets = [
        {
            "label": f"{label}: strategy share (%)",
            "data": [share(m, [key]) for m in mondays],
            "spanGaps": True,
        }
        for key, label in Team.choices
        if any(counts[(m, key, c)] for m in mondays for c in CLASSES)
    ]
    share_datasets.append(
        {
            "label": "All teams: strategy share (%)",
            "data": [share(m, all_teams) for m in mondays],
            "spanGaps": True,
        }
    )
    teams = [team] if team else all_teams
    count_datasets = [
        {"label": label, "data": [sum(counts[(m, t, key)] for t in teams) for m in mondays]}
        for key, label in Category.choices
    ]
    labels = [m.strftime("%b %-d") for m in mondays]
    totals = {
        key: sum(counts[(m, t, key)] for m in mondays for t in teams) for key, _label in Category.choices
    }
    return {
        "labels": labels,
        "share": {"labels": labels, "datasets": share_datasets},
        "counts": {"labels": labels, "datasets": count_datasets},
        "totals": totals,
        "total": sum(totals.values()),
    }


def inbox_for(user: Any) -> QuerySet[InboundQuestion]:
    return (
        InboundQuestion.objects.filter(asked_of=user)
        .select_related("asked_by", "release", "answered_by")
        # Waiting questions first, newest first; then the answered ones, latest answer first.
        .order_by(F("answered_at").desc(nulls_first=True), "-asked_at", "-id")
    )


def asked_by(user: Any) -> QuerySet[InboundQuestion]:
    return (
        InboundQuestion.objects.filter(asked_by=user)
        .select_related("asked_of", "release", "answered_by")
        .order_by("-asked_at", "-id")
    )


# --- PMs still talking to customers --------------------------------------------------------------------------------


@dataclass
class PmContact:
    user: Any
    months: list[int]  # customer calls per complete month, oldest first
    falling: bool  # fell two months in a row
    internal_share: float | None


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` complete months, oldest first (the current month is not complete)."""
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def gong_calls_per_month(*, emails: list[str], start: date, end: date) -> dict[tuple[str, date], int]:
    """Gong calls each email took part in, per month. Participants are read from the raw Gong payload kept on
    each item (`raw.parties[].emailAddress`), so no schema change is needed; the source/time index narrows the
    scan to Gong items of the window first."""
    if not emails:
        return {}
    table = FeedbackItem._meta.db_table
    sql = f"""
        SELECT lower(p->>'emailAddress') AS email,
               date_trunc('month', fi.occurred_at AT TIME ZONE %s)::date AS month,
               count(DISTINCT fi.id)
        FROM {table} fi
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(fi.raw->'parties') = 'array' THEN fi.raw->'parties' ELSE '[]'::jsonb END
        ) AS p
        WHERE fi.source = %s AND fi.occurred_at >= %s AND fi.occurred_at < %s
          AND lower(p->>'emailAddress') = ANY(%s)
        GROUP BY 1, 2
    """
    tz = timezone.get_current_timezone_name()
    low = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    high = timezone.make_aware(datetime.combine(end, datetime.min.time()))
    with connection.cursor() as cursor:
        cursor.execute(sql, [tz, Source.GONG, low, high, [e.lower() for e in emails]])
        return {(email, month): n for email, month, n in cursor.fetchall()}


def _cached_calls(*, emails: list[str], start: date, end: date) -> dict[tuple[str, date], int]:
    """Complete months barely change (only a call Gong processes late), and reading every Gong payload of six
    months takes seconds at 100k+ calls: keep the counts for AUDITS_CONTACT_CACHE_SECONDS."""
    seconds = settings.AUDITS_CONTACT_CACHE_SECONDS
    if not seconds:
        return gong_calls_per_month(emails=emails, start=start, end=end)
    digest = hashlib.sha1(
        "|".join(sorted(e.lower() for e in emails)).encode(), usedforsecurity=False
    ).hexdigest()
    key = f"audits:pm-contact:{start}:{end}:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = [(email, month.isoformat(), n) for (email, month), n in
                  gong_calls_per_month(emails=emails, start=start, end=end).items()]  # fmt: skip
        cache.set(key, cached, seconds)
    return {(email, date.fromisoformat(month)): n for email, month, n in cached}


def falls_two_months_in_a_row(months: list[int]) -> bool:
    return len(months) >= 3 and months[-3] > months[-2] > months[-1]


def pm_customer_contact(
    *, today: date | None = None, months: int = 6, internal_shares: dict[int, float] | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    starts = month_starts(today, months)
    pms = list(
        get_user_model()
        .objects.filter(groups__name="PM", is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )
    counts = _cached_calls(emails=[u.email for u in pms], start=starts[0], end=today.replace(day=1))
    shares = internal_shares or {}
    rows = []
    for user in pms:
        series = [counts.get((user.email.lower(), m), 0) for m in starts]
        rows.append(PmContact(user, series, falls_two_months_in_a_row(series), shares.get(user.pk)))
    labels = [m.strftime("%b %Y") for m in starts]
    chart = {
        "labels": labels,
        "datasets": [
            {"label": u.user.get_full_name() or u.user.username, "data": u.months}
            for u in rows
            if any(u.months)
        ],
    }
    return {"rows": rows, "labels": labels, "chart": chart, "flagged": [r for r in rows if r.falling]}
