"""The trend report: per theme, weekly volume against its own trailing baseline, and the churn and expansion signals.

One aggregate query reads the weekly counts of every theme (all feedback, churn signals, expansion signals, and the
ARR behind each); a second reads the distinct accounts of the recent weeks. Everything else is arithmetic in Python on
a few hundred rows, so the report costs the same with 12 themes or 12,000 items a week.

Only complete weeks are tested and drawn. The week in progress is reported apart ("so far") and never drawn as a
point on a line, where its partial count would read as a fall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feedback import segments
from feedback.models import Account, Theme
from reports import stats

MIN_WEEKS, MAX_WEEKS, DEFAULT_WEEKS = 4, 104, 26
SIGNALS = ("all", "churn", "expansion")


class TrendInputError(ValueError):
    """Bad report parameters; `field` names the one to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TrendParams:
    weeks: int = DEFAULT_WEEKS
    segment: str = ""
    today: date | None = None

    def validated(self) -> TrendParams:
        if not MIN_WEEKS <= self.weeks <= MAX_WEEKS:
            raise TrendInputError("weeks", f"The window must be {MIN_WEEKS} to {MAX_WEEKS} weeks.")
        if self.segment and self.segment not in {s.key for s in segments.segments()}:
            raise TrendInputError("segment", f"Unknown segment {self.segment!r}.")
        return self


def this_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


@dataclass
class SeriesTrend:
    """One theme under one signal: its weekly counts over the window and the rise test on them."""

    theme_id: int
    name: str
    slug: str
    counts: list[int | None]  # complete weeks of the window, oldest first; None before the store has data
    test: stats.RiseTest
    so_far: int = 0  # the week in progress
    weighted_recent: Decimal = Decimal(0)  # Σ ARR of the recent weeks' items, per week
    weighted_baseline: Decimal = Decimal(0)  # the same over the baseline weeks, per week
    unknown_arr_items: int = 0  # items of the recent weeks whose account's ARR is unknown (NULL) or missing
    accounts: int = 0  # distinct accounts behind the recent weeks
    accounts_arr: Decimal = Decimal(0)  # their known ARR, each account once
    accounts_unknown: int = 0  # of which ARR unknown

    @property
    def weighted_rise(self) -> Decimal:
        """How much the ARR-weighted weekly volume grew: recent per week minus baseline per week."""
        return self.weighted_recent - self.weighted_baseline

    @property
    def baseline_rate(self) -> float:
        t = self.test
        return t.baseline / t.baseline_weeks if t.baseline_weeks else 0.0


@dataclass
class TrendReport:
    params: TrendParams
    week_starts: list[date]  # the complete weeks of the window
    current_week: date  # Monday of the week in progress (not drawn)
    recent_weeks: int
    baseline_weeks: int
    data_starts: date | None
    signals: dict[str, list[SeriesTrend]] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return any(any(c for c in s.counts if c) or s.so_far for s in self.signals.get("all", []))

    @property
    def blank_weeks(self) -> int:
        """Weeks of the window before the store's first item (shown blank, not as zeros)."""
        if self.data_starts is None:
            return len(self.week_starts)
        first = this_monday(self.data_starts)
        return sum(1 for w in self.week_starts if w < first)

    def rising(self, signal: str) -> list[SeriesTrend]:
        return [s for s in self.signals.get(signal, []) if s.test.rising]


def _week_sql() -> str:
    # Weeks start on Monday in the portal's time zone, as everywhere else (feedback.selectors.week_labels).
    return "(date_trunc('week', i.occurred_at AT TIME ZONE %s))::date"


def _account_cte(segment: str) -> tuple[str, list[Any]]:
    """Per account: current ARR (NULL = unknown) and whether it sends churn or expansion signals now."""
    sql = """
        SELECT a.id, a.arr,
            (a.lifecycle = 'churned'
             OR (a.lifecycle = 'customer' AND a.churn_risk_score >= %s)
             OR EXISTS (SELECT 1 FROM feedback_opportunity o WHERE o.account_id = a.id AND o.status = 'lost')
            ) AS churn,
            (a.expansion_candidate
             OR EXISTS (SELECT 1 FROM feedback_opportunity o WHERE o.account_id = a.id AND o.status = 'open'
                        AND o.opportunity_type = 'expansion')
            ) AS expansion
        FROM feedback_account a
    """
    params: list[Any] = [settings.CHURN_RISK_SCORE_THRESHOLD]
    if segment:
        sub, sub_params = (
            Account.objects.filter(segments.account_q(segment)).values("pk").query.sql_with_params()
        )
        sql += f" WHERE a.id IN ({sub})"
        params.extend(sub_params)
    return sql, params


# An item is a churn signal when its account churned, is at churn risk or lost a deal, or when it is an NPS detractor.
CHURN_ITEM = "(coalesce(acct.churn, false) OR i.nps_score <= 6)"
EXPANSION_ITEM = "coalesce(acct.expansion, false)"


def _weekly_rows(since: date, until: datetime, segment: str) -> list[tuple]:
    cte, cte_params = _account_cte(segment)
    join = "JOIN" if segment else "LEFT JOIN"
    sql = f"""
        WITH acct AS MATERIALIZED ({cte})
        SELECT ft.theme_id, {_week_sql()} AS week,
            count(*),
            count(*) FILTER (WHERE {CHURN_ITEM}),
            sum(acct.arr) FILTER (WHERE {CHURN_ITEM}),
            count(*) FILTER (WHERE {CHURN_ITEM} AND acct.arr IS NULL),
            count(*) FILTER (WHERE {EXPANSION_ITEM}),
            sum(acct.arr) FILTER (WHERE {EXPANSION_ITEM}),
            count(*) FILTER (WHERE {EXPANSION_ITEM} AND acct.arr IS NULL)
        FROM feedback_feedbackitem i
        JOIN feedback_feedbacktheme ft ON ft.item_id = i.id AND NOT ft.removed
        {join} acct ON acct.id = i.account_id
        WHERE i.occurred_at >= %s AND i.occurred_at < %s
        GROUP BY 1, 2
    """
    start = datetime.combine(since, time(0), tzinfo=UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compiling this one aggregate costs more (~300 ms measured) than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [*cte_params, settings.TIME_ZONE, start, until])
        return cursor.fetchall()


def _recent_accounts(
    since: date, until: date, segment: str
) -> dict[tuple[str, int], tuple[int, Decimal, int]]:
    """{(signal, theme id): (distinct accounts, their known ARR, accounts with unknown ARR)} for the recent weeks."""
    cte, cte_params = _account_cte(segment)
    sql = f"""
        WITH acct AS MATERIALIZED ({cte}),
        per_account AS (
            SELECT ft.theme_id, i.account_id, max(acct.arr) AS arr,
                bool_or({CHURN_ITEM}) AS churn, bool_or({EXPANSION_ITEM}) AS expansion
            FROM feedback_feedbackitem i
            JOIN feedback_feedbacktheme ft ON ft.item_id = i.id AND NOT ft.removed
            JOIN acct ON acct.id = i.account_id
            WHERE i.occurred_at >= %s AND i.occurred_at < %s
            GROUP BY 1, 2
        )
        SELECT theme_id,
            count(*), coalesce(sum(arr), 0), count(*) FILTER (WHERE arr IS NULL),
            count(*) FILTER (WHERE churn), coalesce(sum(arr) FILTER (WHERE churn), 0),
            count(*) FILTER (WHERE churn AND arr IS NULL),
            count(*) FILTER (WHERE expansion), coalesce(sum(arr) FILTER (WHERE expansion), 0),
            count(*) FILTER (WHERE expansion AND arr IS NULL)
        FROM per_account GROUP BY 1
    """
    start = datetime.combine(since, time(0), tzinfo=UTC)
    end = datetime.combine(until, time(0), tzinfo=UTC)
    out: dict[tuple[str, int], tuple[int, Decimal, int]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [*cte_params, start, end])
        for theme_id, *figures in cursor.fetchall():
            for n, signal in enumerate(SIGNALS):
                out[(signal, theme_id)] = (figures[3 * n], Decimal(figures[3 * n + 1]), figures[3 * n + 2])
    return out


def data_start() -> date | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(occurred_at) FROM feedback_feedbackitem")
        (first,) = cursor.fetchone()
    return timezone.localtime(first).date() if first else None


def trend_report(params: TrendParams) -> TrendReport:
    """The whole report for a window and an optional segment. Raises TrendInputError on bad params."""
    params = params.validated()
    today = params.today or timezone.localdate()
    current = this_monday(today)
    k_weeks, b_weeks = settings.TRENDS_RECENT_WEEKS, settings.TRENDS_BASELINE_WEEKS
    span = max(params.weeks, k_weeks + b_weeks)
    first_week = current - timedelta(weeks=span)
    starts = data_start()
    data_monday = this_monday(starts) if starts else current
    until = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    rows = _weekly_rows(first_week, until, params.segment)
    recent_from = current - timedelta(weeks=k_weeks)
    people = _recent_accounts(recent_from, current, params.segment)

    all_weeks = [first_week + timedelta(weeks=n) for n in range(span)]
    index = {week: n for n, week in enumerate(all_weeks)}
    themes = list(
        Theme.objects.filter(merged_into__isnull=True).order_by("name").values("id", "name", "slug")
    )
    counts: dict[tuple[str, int], list[int]] = {}
    arr_weighted: dict[tuple[str, int], list[Decimal]] = {}
    unknown: dict[tuple[str, int], list[int]] = {}
    so_far: dict[tuple[str, int], int] = {}
    for theme_id, week, n_all, n_churn, arr_churn, unk_churn, n_exp, arr_exp, unk_exp in rows:
        figures = {"all": (n_all, None, 0), "churn": (n_churn, arr_churn, unk_churn)}
        figures["expansion"] = (n_exp, arr_exp, unk_exp)
        for signal, (n, arr, unk) in figures.items():
            key = (signal, theme_id)
            if week >= current:
                so_far[key] = so_far.get(key, 0) + n
                continue
            if week not in index:
                continue
            counts.setdefault(key, [0] * span)[index[week]] += n
            arr_weighted.setdefault(key, [Decimal(0)] * span)[index[week]] += Decimal(arr or 0)
            unknown.setdefault(key, [0] * span)[index[week]] += unk

    # The baseline only reaches back to the store's first week: weeks before it are not zeros, they are unknown.
    usable = [n for n, week in enumerate(all_weeks) if week >= data_monday]
    recent_idx = [n for n in usable if all_weeks[n] >= recent_from]
    baseline_idx = [n for n in usable if all_weeks[n] < recent_from][-b_weeks:]
    window_idx = list(range(span - params.weeks, span))
    report = TrendReport(
        params=params,
        week_starts=[all_weeks[n] for n in window_idx],
        current_week=current,
        recent_weeks=len(recent_idx),
        baseline_weeks=len(baseline_idx),
        data_starts=starts,
    )
    for signal in SIGNALS:
        series = []
        for theme in themes:
            key = (signal, theme["id"])
            weekly = counts.get(key, [0] * span)
            weighted = arr_weighted.get(key, [Decimal(0)] * span)
            test = stats.rise_test(
                [weekly[n] for n in recent_idx],
                [weekly[n] for n in baseline_idx],
                min_baseline_weeks=settings.TRENDS_MIN_BASELINE_WEEKS,
            )
            accounts, accounts_arr, accounts_unknown = people.get(key, (0, Decimal(0), 0))
            series.append(
                SeriesTrend(
                    theme_id=theme["id"],
                    name=theme["name"],
                    slug=theme["slug"],
                    counts=[weekly[n] if all_weeks[n] >= data_monday else None for n in window_idx],
                    test=test,
                    so_far=so_far.get(key, 0),
                    weighted_recent=_per_week(sum((weighted[n] for n in recent_idx), Decimal(0)), recent_idx),
                    weighted_baseline=_per_week(
                        sum((weighted[n] for n in baseline_idx), Decimal(0)), baseline_idx
                    ),
                    unknown_arr_items=sum(unknown.get(key, [0] * span)[n] for n in recent_idx),
                    accounts=accounts,
                    accounts_arr=accounts_arr,
                    accounts_unknown=accounts_unknown,
                )
            )
        flagged = stats.flag(
            [s.test for s in series], alpha=settings.TRENDS_FDR, min_recent=settings.TRENDS_MIN_RECENT
        )
        for s, test in zip(series, flagged, strict=True):
            s.test = test
        report.signals[signal] = _ranked(series, by_arr=signal != "all")
    return report


def _per_week(total: Decimal, weeks: list[int]) -> Decimal:
    return (total / len(weeks)).quantize(Decimal("0.01")) if weeks else Decimal(0)


def _ranked(series: list[SeriesTrend], *, by_arr: bool) -> list[SeriesTrend]:
    """Rising first; then, for churn and expansion, the biggest ARR-weighted rise; else the strongest evidence."""
    if by_arr:
        return sorted(series, key=lambda s: (not s.test.rising, -s.weighted_rise, s.test.p_value, s.name))
    return sorted(series, key=lambda s: (not s.test.rising, s.test.p_value, s.name))


def report_as_dict(report: TrendReport) -> dict[str, Any]:
    """The report's numbers as plain JSON: the API and the weekly summary use the same figures as the page."""
    return {
        "weeks": report.params.weeks,
        "segment": report.params.segment or None,
        "week_starts": [w.isoformat() for w in report.week_starts],
        "current_week": {"starts": report.current_week.isoformat(), "partial": True},
        "recent_weeks": report.recent_weeks,
        "baseline_weeks": report.baseline_weeks,
        "data_starts": report.data_starts.isoformat() if report.data_starts else None,
        "has_data": report.has_data,
        "test": TEST_NAME,
        "fdr": settings.TRENDS_FDR,
        "signals": {signal: [_series_dict(s) for s in report.signals[signal]] for signal in SIGNALS},
    }


def _series_dict(s: SeriesTrend) -> dict[str, Any]:
    return {
        "theme": {"id": s.theme_id, "name": s.name, "slug": s.slug},
        "weekly": s.counts,
        "current_week_so_far": s.so_far,
        **s.test.as_dict(),
        "arr_weighted_per_week": {"recent": str(s.weighted_recent), "baseline": str(s.weighted_baseline)},
        "arr_weighted_rise": str(s.weighted_rise),
        "items_unknown_arr": s.unknown_arr_items,
        "accounts": s.accounts,
        "accounts_arr": str(s.accounts_arr),
        "accounts_unknown_arr": s.accounts_unknown,
    }


TEST_NAME = (
    "one-sided exact conditional Poisson rate test (recent weeks vs the theme's own trailing baseline), "
    "quasi-Poisson overdispersion adjustment, Benjamini-Hochberg false discovery rate across themes"
)
