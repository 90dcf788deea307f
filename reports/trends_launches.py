"""Launch outcomes: did a release change what customers say about its themes?

For each launched release: tickets and all feedback on its themes in the N weeks after launch against the N weeks
before (TRENDS_LAUNCH_WEEKS), by segment, next to how complete its readiness checklist was on launch day. Both periods
have the same length: until N full weeks have passed, only the days since launch are compared with as many days
before it (the day in progress is left out, so a launch yesterday is not read as a fall).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from feedback import segments
from feedback.models import ItemKind
from readiness import selectors as readiness_selectors
from readiness.models import Release, ReleaseStatus
from reports import stats

OUTCOME_SEGMENTS = ("churn_risk", "expansion", "high_priority_deal", "customer", "prospect")


@dataclass(frozen=True)
class BeforeAfter:
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def percent(self) -> int | None:
        return round(100 * (self.after - self.before) / self.before) if self.before else None

    @property
    def p_value(self) -> float:
        return stats.two_sided_rate_p(self.before, self.after)

    @property
    def verdict(self) -> str:
        if self.p_value > settings.TRENDS_FDR:
            return "no clear change"
        return "fewer" if self.after < self.before else "more"


@dataclass
class LaunchOutcome:
    release: Release
    days: int  # the length of each period compared
    complete: bool  # True once the full N weeks after launch have passed
    has_themes: bool
    tickets: BeforeAfter = BeforeAfter(0, 0)
    feedback: BeforeAfter = BeforeAfter(0, 0)
    by_segment: list[tuple[str, BeforeAfter, BeforeAfter]] = field(
        default_factory=list
    )  # label, tickets, feedback
    checklist_total: int = 0
    checklist_done_at_launch: int = 0

    @property
    def checklist_percent(self) -> int | None:
        if not self.checklist_total:
            return None
        return round(100 * self.checklist_done_at_launch / self.checklist_total)

    @property
    def weeks(self) -> float:
        return self.days / 7


def _aware(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def launch_outcome(release: Release, *, today: date | None = None) -> LaunchOutcome | None:
    """The outcome of one release, or None before its launch day is over."""
    today = today or timezone.localdate()
    launch = release.launch_date
    days = min(settings.TRENDS_LAUNCH_WEEKS * 7, (today - launch).days)
    if days <= 0:
        return None
    checklist = release.checklist.aggregate(
        total=Count("id"), done=Count("id", filter=Q(done_at__lt=_aware(launch + timedelta(days=1))))
    )
    outcome = LaunchOutcome(
        release=release,
        days=days,
        complete=days == settings.TRENDS_LAUNCH_WEEKS * 7,
        has_themes=release.themes.exists(),
        checklist_total=checklist["total"],
        checklist_done_at_launch=checklist["done"],
    )
    if not outcome.has_themes:
        return outcome
    before = Q(occurred_at__gte=_aware(launch - timedelta(days=days)), occurred_at__lt=_aware(launch))
    after = Q(occurred_at__gte=_aware(launch), occurred_at__lt=_aware(launch + timedelta(days=days)))
    ticket = Q(kind=ItemKind.TICKET)
    cuts: dict[str, Q] = {"": Q()}
    labels = {s.key: s.label for s in segments.segments()}
    for key in OUTCOME_SEGMENTS:
        cuts[key] = segments.item_q(key)
    aggregates = {}
    for key, cut in cuts.items():
        for period, period_q in (("b", before), ("a", after)):
            aggregates[f"{key}_{period}_f"] = Count("id", filter=cut & period_q)
            aggregates[f"{key}_{period}_t"] = Count("id", filter=cut & period_q & ticket)
    figures = readiness_selectors.theme_feedback(release).filter(before | after).aggregate(**aggregates)
    outcome.tickets = BeforeAfter(figures["_b_t"], figures["_a_t"])
    outcome.feedback = BeforeAfter(figures["_b_f"], figures["_a_f"])
    outcome.by_segment = [
        (
            labels[key],
            BeforeAfter(figures[f"{key}_b_t"], figures[f"{key}_a_t"]),
            BeforeAfter(figures[f"{key}_b_f"], figures[f"{key}_a_f"]),
        )
        for key in OUTCOME_SEGMENTS
        if figures[f"{key}_b_f"] or figures[f"{key}_a_f"]
    ]
    return outcome


def recent_launches(*, today: date | None = None, weeks: int = 26) -> list[LaunchOutcome]:
    """Outcomes of the releases launched in the last `weeks` weeks, latest launch first."""
    today = today or timezone.localdate()
    releases = (
        Release.objects.filter(launch_date__lt=today, launch_date__gte=today - timedelta(weeks=weeks))
        .filter(Q(status=ReleaseStatus.LAUNCHED) | Q(launch_date__lt=today))
        .order_by("-launch_date", "pk")
    )
    outcomes = (launch_outcome(release, today=today) for release in releases)
    return [o for o in outcomes if o is not None]
