"""Demo data for the reports pillar: a saved insight report and one past review with its decisions, so `make run`
shows the decision log on theme pages and a next pack with open decisions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from feedback.models import Theme
from reports.insight_params import InsightParams
from reports.insight_score import default_weights
from reports.insight_services import saved_report_create
from reports.models import Decision, Review, SavedInsightReport
from reports.review_services import decision_record, review_create


def flush_reports_demo() -> None:
    Decision.objects.all().delete()
    Review.objects.all().delete()
    SavedInsightReport.objects.all().delete()


@transaction.atomic
def seed_reports_demo(*, anchor: date) -> int:
    """One review held two weeks before the anchor (with three decisions) and one saved report. Returns decisions."""
    themes = list(
        Theme.objects.filter(merged_into__isnull=True)
        .annotate(deals=Count("blocked_opportunities"))
        .order_by("-deals", "name")[:4]
    )
    if len(themes) < 3:
        return 0
    users = get_user_model().objects.in_bulk(["pm", "cpo", "productops"], field_name="username")
    pm, cpo = users.get("pm"), users.get("cpo")
    held = timezone.make_aware(datetime.combine(anchor - timedelta(days=14), time(15)))
    review = review_create(user=cpo, title="Monthly feedback review", now=held)
    decision_record(
        theme=themes[0],
        outcome="accept",
        owner=pm,
        user=cpo,
        review=review,
        note="Biggest blocked pipeline and churn-risk ARR: goes on the next quarter's roadmap.",
    )
    decision_record(
        theme=themes[1],
        outcome="needs_research",
        owner=pm,
        user=cpo,
        review=review,
        note="Five customer interviews before we size it; Sales to name the deals where it is the real blocker.",
    )
    decision_record(
        theme=themes[2], outcome="decline", owner=cpo, user=cpo, review=review, note="Not this half."
    )
    # The decisions were taken in that meeting, not when the demo was seeded.
    Decision.objects.filter(review=review).update(decided_at=held)
    saved_report_create(
        params=InsightParams(themes=themes[:3], weights=default_weights(), days=180),
        user=pm,
        title="Top three blockers, as reviewed",
        today=anchor,
    )
    return 3
