"""Reads for time audits: round lists, a round's results and verdict, comparison across rounds, and the
efficiency figures the CPO's reports page shows (`pm_internal_share_over_rounds`, `inbound_quality_over_time`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from statistics import mean, median
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audits import results
from audits.inbound_selectors import inbound_category_counts
from audits.models import (
    Audience,
    Metric,
    Participant,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundStatus,
)


def threshold() -> float:
    return float(settings.AUDITS_INTERNAL_THRESHOLD)


def rounds_list() -> QuerySet[Round]:
    return Round.objects.annotate(
        participant_count=Count("participant_rows", distinct=True),
        response_count=Count("responses", distinct=True),
    ).order_by("-created_at", "-id")


def open_rounds_for(user: Any) -> QuerySet[Round]:
    """Open rounds the user takes part in, with whether they have answered."""
    return (
        Round.objects.filter(status=RoundStatus.OPEN, participant_rows__user=user)
        .annotate(answered=Exists(Response.objects.filter(round=OuterRef("pk"), user=user)))
        .order_by("opened_at", "id")
    )


def is_participant(round_: Round, user: Any) -> bool:
    return Participant.objects.filter(round=round_, user=user).exists()


# --- One round's results -------------------------------------------------------------------------------------------


def _internal_shares(question: Question | None, answers: list[dict[str, Any]]) -> list[float]:
    if question is None:
        return []
    key = str(question.pk)
    return [float(a[key].get(question.internal_choice, 0)) for a in answers if isinstance(a.get(key), dict)]


def _numbers(question: Question | None, answers: list[dict[str, Any]]) -> list[float]:
    if question is None:
        return []
    key = str(question.pk)
    return [float(a[key]) for a in answers if isinstance(a.get(key), int | float)]


def _short(label: str, limit: int = 32) -> str:
    """Chart axis labels stay legible; the full category is in the question above the chart."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _summary(question: Question, answers: list[dict[str, Any]]) -> dict[str, Any]:
    key = str(question.pk)
    given = [a[key] for a in answers if key in a]
    out: dict[str, Any] = {"question": question, "n": len(given), "chart_id": f"q{question.pk}"}
    if question.kind == QuestionKind.PERCENT_SPLIT:
        shares = [mean(float(g.get(c, 0)) for g in given) if given else 0 for c in question.choices]
        out["chart"] = {
            "labels": [_short(c) for c in question.choices],
            "datasets": [{"label": "Average share of the week (%)", "data": [round(s, 1) for s in shares]}],
        }
        if question.internal_choice:
            values = _internal_shares(question, answers)
            stats = results.share_stats(values, threshold())
            out["stats"] = stats
            out["distribution"] = {
                "labels": [label for label, _lo, _hi in results.PERCENT_BINS],
                "datasets": [
                    {
                        "label": f"PMs by share of time on “{question.internal_choice}” (%)",
                        "data": results.histogram(values, results.PERCENT_BINS),
                    }
                ],
            }
    elif question.kind == QuestionKind.COUNT_PER_WEEK:
        values = [float(g) for g in given]
        out["median"] = results.fmt(median(values)) if values else None
        out["mean"] = results.fmt(mean(values)) if values else None
        out["total"] = results.fmt(sum(values))
        out["chart"] = {
            "labels": [label for label, _lo, _hi in results.COUNT_BINS],
            "datasets": [{"label": "People", "data": results.histogram(values, results.COUNT_BINS)}],
        }
    elif question.kind == QuestionKind.SCALE:
        out["mean"] = results.fmt(mean(given)) if given else None
        out["chart"] = {
            "labels": ["1", "2", "3", "4", "5"],
            "datasets": [{"label": "People", "data": [given.count(v) for v in range(1, 6)]}],
        }
    else:
        out["texts"] = sorted((g for g in given if g), key=str.lower)
    return out


def inbound_window(round_: Round) -> tuple[datetime, datetime]:
    end = round_.closed_at or timezone.now()
    return end - timedelta(days=settings.AUDITS_INBOUND_WINDOW_DAYS), end


def round_verdict(round_: Round, answers: list[dict[str, Any]], participants: int) -> results.Verdict:
    questions = list(round_.questions.all())
    start, end = inbound_window(round_)
    counts = inbound_category_counts(start=start, end=end, team="sales")
    inbound = results.inbound_condition(
        counts,
        settings.AUDITS_MIN_INBOUND,
        f"in the {settings.AUDITS_INBOUND_WINDOW_DAYS} days to {end:%b %-d}",
    )
    conditions = []
    if round_.audience == Audience.PM:
        split = next((q for q in questions if q.metric == Metric.PM_TIME_SPLIT), None)
        values = _internal_shares(split, answers)
        if split is not None and values:
            conditions.append(results.pm_condition(results.share_stats(values, threshold()), threshold()))
    conditions.append(inbound)
    return results.verdict(
        answered=len(answers),
        participants=participants,
        minimum=settings.AUDITS_MIN_RESPONSES,
        conditions=conditions,
    )


def round_results(round_: Round) -> dict[str, Any]:
    """Everything the results page and the API show for one round, in a fixed number of queries."""
    questions = list(round_.questions.all())
    answers = list(Response.objects.filter(round=round_).values_list("answers", flat=True))
    participants = Participant.objects.filter(round=round_).count()
    return {
        "round": round_,
        "participants": participants,
        "answered": len(answers),
        "questions": [_summary(q, answers) for q in questions],
        "verdict": round_verdict(round_, answers, participants),
        "history": rounds_history(round_.audience, upto=round_),
        "threshold": results.fmt(threshold()),
    }


# --- Across rounds -------------------------------------------------------------------------------------------------


def _metric_by_round(rounds: list[Round], metric: str) -> dict[int, list[float]]:
    questions = {
        q.round_id: q
        for q in Question.objects.filter(round__in=rounds, metric=metric).order_by("position", "id")
    }
    by_round: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for round_id, answers in Response.objects.filter(round__in=rounds).values_list("round_id", "answers"):
        by_round[round_id].append(answers)
    extract = _internal_shares if metric == Metric.PM_TIME_SPLIT else _numbers
    return {r.pk: extract(questions.get(r.pk), by_round[r.pk]) for r in rounds}


def rounds_history(audience: str, *, upto: Round | None = None) -> dict[str, Any]:
    """Closed rounds of one audience in order (plus `upto` if it is still open), as chart data."""
    rounds = list(
        Round.objects.filter(
            Q(audience=audience) & (Q(status=RoundStatus.CLOSED) | Q(pk=getattr(upto, "pk", None)))
        ).order_by("closed_at", "opened_at", "id")
    )
    if upto is not None and upto.closed_at is not None:
        rounds = [r for r in rounds if r.closed_at and r.closed_at <= upto.closed_at]
    labels = [r.name for r in rounds]
    if audience == Audience.PM:
        values = _metric_by_round(rounds, Metric.PM_TIME_SPLIT)
        stats = [results.share_stats(values[r.pk], threshold()) for r in rounds]
        points = [
            {"round": r, "n": s.n, "median": s.median, "share_over": s.share_over}
            for r, s in zip(rounds, stats, strict=True)
        ]
        datasets = [
            {
                "label": "Median internal-status share (%)",
                "data": [round(s.median, 1) if s.n else None for s in stats],
            },
            {
                "label": f"PMs over {results.fmt(threshold())}% (%)",
                "data": [round(s.share_over, 1) if s.n else None for s in stats],
            },
            {
                "label": f"The {results.fmt(threshold())}% line",
                "data": [threshold()] * len(rounds),
                "borderDash": [6, 4],
            },
        ]
    else:
        values = _metric_by_round(rounds, Metric.STATUS_ASKS)
        points = [
            {"round": r, "n": len(values[r.pk]), "median": median(values[r.pk]) if values[r.pk] else None}
            for r in rounds
        ]
        datasets = [
            {"label": "Median status asks per person per week", "data": [p["median"] for p in points]}
        ]
    return {"chart": {"labels": labels, "datasets": datasets}, "points": points, "count": len(rounds)}


def pm_internal_share_over_rounds() -> dict[str, Any]:
    """For the CPO's reports page: median PM internal-status share and the share of PMs over the threshold, per
    closed PM round, as Chart.js data (`labels`, `datasets`) plus `points`."""
    return rounds_history(Audience.PM)


def latest_closed_pm_round() -> Round | None:
    return (
        Round.objects.filter(audience=Audience.PM, status=RoundStatus.CLOSED)
        .order_by("-closed_at", "-id")
        .first()
    )


def internal_share_by_user(round_: Round | None) -> dict[int, float]:
    if round_ is None:
        return {}
    split = round_.questions.filter(metric=Metric.PM_TIME_SPLIT).first()
    if split is None:
        return {}
    key = str(split.pk)
    return {
        user_id: float(answers[key].get(split.internal_choice, 0))
        for user_id, answers in Response.objects.filter(round=round_).values_list("user_id", "answers")
        if isinstance(answers.get(key), dict)
    }


def efficiency_metrics(*, today: date | None = None) -> list[dict[str, str]]:
    """The two efficiency figures as short {label, value} lines, for the CPO's weekly summary (text and email):
    the latest closed PM round's internal-status share, and the strategy share of inbound questions over the last
    4 weeks against the 4 weeks a quarter earlier."""
    from audits.inbound_selectors import CLASSES, inbound_category_counts

    lines: list[dict[str, str]] = []
    latest = latest_closed_pm_round()
    if latest is not None:
        point = next((p for p in rounds_history(Audience.PM)["points"] if p["round"].pk == latest.pk), None)
        if point and point["n"]:
            line = results.fmt(threshold())
            lines.append(
                {
                    "label": f"PM time on internal status updates ({latest.name})",
                    "value": f"median {results.fmt(point['median'])}%; {results.fmt(point['share_over'])}% of "
                    f"{point['n']} PMs over {line}%",
                }
            )
    now = (
        timezone.now() if today is None else timezone.make_aware(datetime.combine(today, datetime.min.time()))
    )

    def strategy_share(end: datetime) -> tuple[float | None, int]:
        counts = inbound_category_counts(start=end - timedelta(weeks=4), end=end)
        classified = sum(counts.get(c, 0) for c in CLASSES)
        return (100.0 * counts.get("strategy", 0) / classified if classified else None), classified

    recent, n_recent = strategy_share(now)
    before, _n = strategy_share(now - timedelta(weeks=13))
    if recent is not None:
        value = f"{results.fmt(recent)}% of {n_recent} classified questions in the last 4 weeks"
        if before is not None:
            value += f" (a quarter earlier: {results.fmt(before)}%)"
        lines.append({"label": "Strategy questions from Sales and CS", "value": value})
    return lines
