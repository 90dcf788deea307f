"""Chart.js data for the trend pages. Only complete weeks are drawn; the week in progress is never a point."""

from __future__ import annotations

from typing import Any

from reports.trends import SeriesTrend, TrendReport


def week_labels(report: TrendReport) -> list[str]:
    return [f"{w:%b} {w.day}" for w in report.week_starts]


def _baseline_line(report: TrendReport, s: SeriesTrend) -> list[float | None]:
    """The baseline's weekly mean, drawn over the weeks it was measured on and the recent weeks it is tested against."""
    span = report.recent_weeks + report.baseline_weeks
    n = len(report.week_starts)
    rate = round(s.baseline_rate, 2)
    return [rate if i >= n - span else None for i in range(n)]


def theme_chart(report: TrendReport, s: SeriesTrend) -> dict[str, Any]:
    return {
        "labels": week_labels(report),
        "datasets": [
            {"label": "Items per week", "data": s.counts},
            {
                "label": f"Baseline mean ({report.baseline_weeks} weeks)",
                "data": _baseline_line(report, s),
                "borderDash": [6, 4],
                "pointRadius": 0,
            },
        ],
    }


def theme_charts(report: TrendReport) -> list[dict[str, Any]]:
    return [
        {"id": f"theme-{s.theme_id}", "series": s, "data": theme_chart(report, s)}
        for s in report.signals.get("all", [])
    ]


def signal_charts(report: TrendReport, *, top: int = 3) -> dict[str, dict[str, Any]]:
    """Weekly churn / expansion signal items of the `top` themes ranked first (rising, biggest ARR-weighted rise)."""
    out = {}
    for signal in ("churn", "expansion"):
        series = report.signals.get(signal, [])[:top]
        out[signal] = {
            "labels": week_labels(report),
            "datasets": [{"label": s.name, "data": s.counts} for s in series],
        }
    return out
