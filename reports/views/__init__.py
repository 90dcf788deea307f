"""Report pages, one module per report."""

from __future__ import annotations

from reports.views.insight import (
    insight_csv,
    insight_deals,
    insight_detractors,
    insight_page,
    insight_save,
    insight_saved,
    insight_saved_csv,
)
from reports.views.review import review_decide, review_detail, review_list
from reports.views.volume import reports

__all__ = [
    "insight_csv",
    "insight_deals",
    "insight_detractors",
    "insight_page",
    "insight_save",
    "insight_saved",
    "insight_saved_csv",
    "reports",
    "review_decide",
    "review_detail",
    "review_list",
]
