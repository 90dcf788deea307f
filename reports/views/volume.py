"""Weekly feedback volume by segment (/reports/volume/), complete weeks only."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from feedback import selectors
from productops.navigation import PILLAR_ROLES
from productops.page_cache import cached_page
from productops.roles import role_required


@role_required(*PILLAR_ROLES["reports"])
@cached_page
def reports(request: HttpRequest) -> HttpResponse:
    weeks = 26
    # Complete weeks only: the week in progress would end every line in a drop that is not a trend.
    labels = selectors.week_labels(weeks=weeks)[:-1]
    series = {
        key: selectors.weekly_item_counts(key, weeks=weeks) for key in ("churn_risk", "expansion", "prospect")
    }
    chart = {
        "labels": [date.fromisoformat(week).strftime("%b %-d") for week in labels],
        "datasets": [
            {"label": label, "data": [series[key].get(week, 0) for week in labels]}
            for key, label in (
                ("churn_risk", "Churn-risk accounts"),
                ("expansion", "Expansion accounts"),
                ("prospect", "Prospects"),
            )
        ],
    }
    return render(request, "reports/volume.html", {"chart": chart, "weeks": weeks})
