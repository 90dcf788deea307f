"""The weekly CPO summary: drafted by Celery beat from the trend report, emailed (HTML + text), kept as a page.

Drafting is idempotent per week (one CpoSummary per Monday); sending is idempotent per recipient (a
CpoSummaryDelivery row is written in the same transaction as the send, so a retry after a failure mails only those
not yet sent).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from productops.roles import Role
from reports import summary_sources
from reports.models import CpoSummary, CpoSummaryDelivery
from reports.trends import TEST_NAME, SeriesTrend, TrendParams, this_monday, trend_report
from reports.trends_launches import LaunchOutcome, recent_launches

log = logging.getLogger(__name__)
TOP = 5


def _theme_row(s: SeriesTrend) -> dict[str, Any]:
    t = s.test
    return {
        "id": s.theme_id,
        "name": s.name,
        "recent": t.recent,
        "recent_weeks": t.recent_weeks,
        "expected": round(t.expected, 1),
        "rate_ratio": None if t.rate_ratio is None else round(t.rate_ratio, 2),
        "q_value": round(t.q_value, 4),
        "rising": t.rising,
        "accounts": s.accounts,
        "accounts_arr": str(s.accounts_arr),
        "accounts_unknown": s.accounts_unknown,
        "weighted_rise": str(s.weighted_rise),
    }


def _launch_row(o: LaunchOutcome) -> dict[str, Any]:
    return {
        "id": o.release.pk,
        "name": o.release.name,
        "launch_date": o.release.launch_date.isoformat(),
        "days": o.days,
        "complete": o.complete,
        "has_themes": o.has_themes,
        "tickets": [o.tickets.before, o.tickets.after],
        "tickets_verdict": o.tickets.verdict,
        "feedback": [o.feedback.before, o.feedback.after],
        "feedback_verdict": o.feedback.verdict,
        "checklist_percent": o.checklist_percent,
    }


def summary_content(*, today: date) -> dict[str, Any]:
    """The figures of a summary, as plain JSON (frozen in the CpoSummary)."""
    report = trend_report(TrendParams(today=today))
    return {
        "week_start": (this_monday(today) - timedelta(weeks=1)).isoformat(),
        "recent_weeks": report.recent_weeks,
        "baseline_weeks": report.baseline_weeks,
        "test": TEST_NAME,
        "has_data": report.has_data,
        "churn": [_theme_row(s) for s in report.rising("churn")[:TOP]],
        "expansion": [_theme_row(s) for s in report.rising("expansion")[:TOP]],
        "launches": [_launch_row(o) for o in recent_launches(today=today, weeks=8)],
        "decisions": summary_sources.open_decisions(limit=10),
        "efficiency": summary_sources.efficiency_metrics(),
    }


def _subject(content: dict[str, Any]) -> str:
    week = date.fromisoformat(content["week_start"])
    return (
        f"CPO summary, week of {week:%b} {week.day}: {len(content['churn'])} rising churn theme"
        f"{'s' * (len(content['churn']) != 1)}, {len(content['expansion'])} rising expansion"
    )


@transaction.atomic
def summary_draft(*, today: date | None = None) -> CpoSummary:
    """Draft the summary of the last complete week; a second call for the same week returns the first draft."""
    today = today or timezone.localdate()
    week_start = this_monday(today) - timedelta(weeks=1)
    existing = CpoSummary.objects.filter(week_start=week_start).first()
    if existing:
        return existing
    content = summary_content(today=today)
    summary, _ = CpoSummary.objects.get_or_create(
        week_start=week_start, defaults={"subject": _subject(content), "content": content}
    )
    return summary


def summary_recipients() -> list[Any]:
    """Every active CPO with an email address."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.CPO.value).exclude(email="")
    return list(users.distinct().order_by("pk"))


def summary_send(*, summary_id: int) -> int:
    """Email the summary to each recipient not yet sent. Returns how many were sent now.

    Each send commits its delivery row only if the send succeeded; an SMTP failure propagates (the task retries)
    and the retry skips everyone already mailed.
    """
    summary = CpoSummary.objects.get(pk=summary_id)
    done = set(summary.deliveries.values_list("recipient_id", flat=True))
    sent = 0
    for user in summary_recipients():
        if user.pk in done:
            continue
        try:
            with transaction.atomic():
                CpoSummaryDelivery.objects.create(summary=summary, recipient=user, email=user.email)
                _send(summary, user)
        except IntegrityError:
            continue  # another worker sent this one meanwhile
        sent += 1
    return sent


def _send(summary: CpoSummary, user: Any) -> None:
    context = {
        "summary": summary,
        "c": summary.content,
        "user": user,
        "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("reports:summary", args=[summary.pk]),
    }
    text = render_to_string("reports/summary_email.txt", context)
    html = render_to_string("reports/summary_email.html", context)
    message = EmailMultiAlternatives(summary.subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def weekly_summary(*, today: date | None = None) -> tuple[int, int]:
    """Beat's entry point: draft (once) and send (to whoever has not had it). Returns (summary id, sent now)."""
    summary = summary_draft(today=today)
    return summary.pk, summary_send(summary_id=summary.pk)
