"""One insight report, live or saved, in the shape the page, the CSV and the API all read."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from reports import insight
from reports.insight_params import InsightParams
from reports.insight_score import TERM_KEYS, rank
from reports.models import SavedInsightReport


def build(figures: dict[str, Any], weights: dict[str, Decimal]) -> dict[str, Any]:
    """Rank the figures with these weights and add what every reader needs (window, data date, drill-down cuts)."""
    window = figures["window"]
    rows = rank(figures["themes"], weights)
    for row in rows:
        # The dashboard cut behind this theme's feedback figures: same theme, same window.
        cut = QueryDict(mutable=True)
        cut.update({"theme": str(row["id"]), "start": window["start"], "end": window["end"]})
        row["cut"] = cut.urlencode()
        # Said in words on the page and in the API, so a row of zeros is not mistaken for missing data.
        row["notes"] = []
        if not row["pipeline"]["count"]:
            row["notes"].append("No open deal names it as a blocker.")
        if not row["pain"]["mentions"]:
            row["notes"].append("No feedback tagged with it in the window.")
    return {
        "rows": rows,
        "weights": weights,
        "window": {
            "start": date.fromisoformat(window["start"]),
            "end": date.fromisoformat(window["end"]),
            "bucket": window["bucket"],
        },
        "data_as_of": datetime.fromisoformat(figures["data_as_of"]),
        "labels": figures["labels"],
    }


def live(params: InsightParams, *, today: date | None = None) -> dict[str, Any]:
    figures = insight.compute(params.themes, params.window(today))
    return build(figures, params.weights)


def saved(report: SavedInsightReport, *, weights: dict[str, Decimal] | None = None) -> dict[str, Any]:
    """A saved report from its stored figures: the same numbers whatever arrived since; weights may be tried anew."""
    stored = {key: Decimal(value) for key, value in report.weights.items()}
    return build(report.figures, weights if weights is not None else stored)


def trend_chart(report: dict[str, Any]) -> dict[str, Any]:
    """Mentions per trend bucket, one line per theme (Chart.js data)."""
    return {
        "labels": report["labels"],
        "datasets": [
            {"label": row["name"], "data": row["pain"]["series"]["mentions"]} for row in report["rows"]
        ],
    }


CSV_HEADER = [
    "rank",
    "theme_id",
    "theme",
    "score",
    *[f"points_{key}" for key in TERM_KEYS],
    "pipeline_amount_known",
    "pipeline_deals",
    "pipeline_deals_amount_unknown",
    "pipeline_nearest_close",
    "pipeline_stages",
    "installed_arr_known",
    "installed_accounts",
    "installed_accounts_arr_unknown",
    "at_risk_arr_known",
    "at_risk_accounts",
    "at_risk_accounts_arr_unknown",
    "gong_calls",
    "gong_call_accounts",
    "zendesk_tickets",
    "nps_answers",
    "nps_detractors",
    "detractor_share_pct",
    "mentions",
    "mentions_change_pct",
    "usage_accounts_with_data",
    "usage_change_pct",
    "usage_accounts_declining",
    "window_start",
    "window_end",
    "data_as_of",
]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ would make a spreadsheet run the cell as a formula (theme names are typed by people).
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    window = report["window"]
    for row in report["rows"]:
        pipeline, pain, usage = row["pipeline"], row["pain"], row["usage"]
        writer.writerow(
            _cell(value)
            for value in [
                row["rank"],
                row["id"],
                row["name"],
                row["score"],
                *[term["points"] for term in row["terms"]],
                pipeline["amount"],
                pipeline["count"],
                pipeline["unknown"],
                pipeline["nearest_close"],
                "; ".join(f"{stage}: {n}" for stage, n in pipeline["stages"]),
                row["installed"]["arr"],
                row["installed"]["accounts"],
                row["installed"]["unknown"],
                row["at_risk"]["arr"],
                row["at_risk"]["accounts"],
                row["at_risk"]["unknown"],
                pain["calls"],
                row["call_accounts"],
                pain["tickets"],
                pain["nps_answers"],
                pain["detractors"],
                pain["detractor_share"],
                pain["mentions"],
                pain["change"]["mentions"],
                usage["accounts"],
                usage["change"],
                usage["declining"],
                window["start"].isoformat(),
                window["end"].isoformat(),
                timezone.localtime(report["data_as_of"]).isoformat(timespec="seconds"),
            ]
        )
    return out.getvalue()


def to_json(report: dict[str, Any]) -> dict[str, Any]:
    """The API's answer: every figure as stored, the terms of the score, weights as strings (exact decimals)."""

    def money(value: Decimal) -> str:
        return f"{value:f}"

    return {
        "data_as_of": report["data_as_of"].isoformat(),
        "window": {
            "start": report["window"]["start"].isoformat(),
            "end": report["window"]["end"].isoformat(),
            "bucket": report["window"]["bucket"],
        },
        "labels": report["labels"],
        "weights": {key: money(value) for key, value in report["weights"].items()},
        "themes": [
            {
                **{key: value for key, value in row.items() if key not in ("terms", "score", "cut")},
                "score": money(row["score"]),
                "terms": [
                    {
                        **term,
                        "weight": money(term["weight"]),
                        "share": money(term["share"]),
                        "points": money(term["points"]),
                    }
                    for term in row["terms"]
                ],
            }
            for row in report["rows"]
        ],
    }
