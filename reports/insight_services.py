"""Writes for the insight report: saving one so it can be shared by URL and reproduced with the same numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from reports import insight
from reports.insight_params import InsightParams
from reports.models import SavedInsightReport


@transaction.atomic
def saved_report_create(
    *, params: InsightParams, user: Any, title: str = "", today: date | None = None
) -> SavedInsightReport:
    """Compute the figures now and store them with their inputs and the date of the data."""
    window = params.window(today)
    figures = insight.compute(params.themes, window)
    return SavedInsightReport.objects.create(
        title=title.strip()[:200] or " vs ".join(theme.name for theme in params.themes)[:200],
        theme_ids=[theme.pk for theme in params.themes],
        weights={key: f"{value:f}" for key, value in params.weights.items()},
        window_start=window.start,
        window_end=window.end,
        data_as_of=figures["data_as_of"],
        figures=figures,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
