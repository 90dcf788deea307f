"""Launch outcomes: did a release change what customers say about its themes?

For each launched release: tickets and all feedback on its themes in the N weeks after launch against the N weeks
before (TRENDS_LAUNCH_WEEKS), by segment, next to how complete its readiness checklist was on launch day. Both periods
have the same length: until N full weeks have passed, only the days since launch are compared with as many days
before it (the day in progress is left out, so a launch yesterday is not read as a fall).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from feedback import segments
from feedback.models import Account
from readiness.models import Release
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
    # recent_launches annotates these on the whole list; a single release reads them here.
    checklist = {
        "total": getattr(release, "checklist_total", None),
        "done": getattr(release, "done_at_launch", None),
    }
    if checklist["total"] is None:
        checklist = release.checklist.aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(done_at__lt=F("release__launch_date") + timedelta(days=1))),
        )
    theme_ids = [t.pk for t in release.themes.all()]  # prefetched by recent_launches
    outcome = LaunchOutcome(
        release=release,
        days=days,
        complete=days == settings.TRENDS_LAUNCH_WEEKS * 7,
        has_themes=bool(theme_ids),
        checklist_total=checklist["total"],
        checklist_done_at_launch=checklist["done"],
    )
    if not outcome.has_themes:
        return outcome
    labels = {seg.key: seg.label for seg in segments.segments()}
    figures = _before_after(theme_ids, launch, days)
    outcome.tickets = BeforeAfter(figures["", "t", False], figures["", "t", True])
    outcome.feedback = BeforeAfter(figures["", "f", False], figures["", "f", True])
    outcome.by_segment = [
        (
            labels[key],
            BeforeAfter(figures[key, "t", False], figures[key, "t", True]),
            BeforeAfter(figures[key, "f", False], figures[key, "f", True]),
        )
        for key in OUTCOME_SEGMENTS
        if figures[key, "f", False] or figures[key, "f", True]
    ]
    return outcome


def _before_after(theme_ids: list[int], launch: date, days: int) -> dict[tuple[str, str, bool], int]:
    """`_before_after_from_items`, cached under the versions of the tables it reads (items, theme links, accounts
    and deals for the segments), read in the same snapshot: exact, as the dashboard's figures (feedback.cache)."""
    from feedback import cache, facts
    from feedback.queries import snapshot

    ids = sorted(theme_ids)
    with snapshot():
        gen = facts.version_key(facts.state()[1])
        key = f"{','.join(map(str, ids))}:{launch.isoformat()}:{days}"
        found = cache.cached(
            "launch-outcome", key, lambda: dict(_before_after_from_items(ids, launch, days)), gen=gen
        )
    return defaultdict(int, found)


def _before_after_from_items(
    theme_ids: list[int], launch: date, days: int
) -> dict[tuple[str, str, bool], int]:
    """{(segment key or "", "t" tickets / "f" all feedback, after launch?): items}, in one query.

    Segments are the accounts' segments now (feedback.segments, as on every page); each item counts once even when it
    carries several of the release's themes.
    """
    flags, params = [], []
    for key in OUTCOME_SEGMENTS:
        sub, sub_params = Account.objects.filter(segments.account_q(key)).values("pk").query.sql_with_params()
        flags.append(f"a.id IN ({sub}) AS {key}")
        params.extend(sub_params)
    counts = ", ".join(
        f"count(*) FILTER (WHERE coalesce(acct.{key}, false)), "
        f"count(*) FILTER (WHERE coalesce(acct.{key}, false) AND it.kind = 'ticket')"
        for key in OUTCOME_SEGMENTS
    )
    sql = f"""
        WITH acct AS MATERIALIZED (SELECT a.id, {", ".join(flags)} FROM feedback_account a),
        it AS (
            SELECT DISTINCT i.id, i.kind, i.account_id, i.occurred_at >= %s AS after
            FROM feedback_feedbacktheme ft JOIN feedback_feedbackitem i ON i.id = ft.item_id
            WHERE ft.theme_id = ANY(%s) AND NOT ft.removed AND i.occurred_at >= %s AND i.occurred_at < %s
        )
        SELECT it.after, count(*), count(*) FILTER (WHERE it.kind = 'ticket'), {counts}
        FROM it LEFT JOIN acct ON acct.id = it.account_id GROUP BY it.after
    """
    start, split, end = (
        _aware(launch - timedelta(days=days)),
        _aware(launch),
        _aware(launch + timedelta(days=days)),
    )
    figures: dict[tuple[str, str, bool], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, split, theme_ids, start, end])
        for after, *values in cursor.fetchall():
            for n, key in enumerate(("", *OUTCOME_SEGMENTS)):
                figures[key, "f", after] = values[2 * n]
                figures[key, "t", after] = values[2 * n + 1]
    return figures


def recent_launches(*, today: date | None = None, weeks: int = 26) -> list[LaunchOutcome]:
    """Outcomes of the releases launched in the last `weeks` weeks, latest launch first."""
    today = today or timezone.localdate()
    releases = (
        Release.objects.filter(launch_date__lt=today, launch_date__gte=today - timedelta(weeks=weeks))
        .annotate(
            checklist_total=Count("checklist", distinct=True),
            done_at_launch=Count(
                "checklist",
                filter=Q(checklist__done_at__lt=F("launch_date") + timedelta(days=1)),
                distinct=True,
            ),
        )
        .prefetch_related("themes")
        .order_by("-launch_date", "pk")
    )
    outcomes = (launch_outcome(release, today=today) for release in releases)
    return [o for o in outcomes if o is not None]
