"""What the CPO summary reads from work that lands beside it: open decisions (the insight report's decision log) and
efficiency metrics (time audits). Each is read through its owner's selector once it exists; until then, nothing."""

from __future__ import annotations

from importlib import import_module
from typing import Any


def _selector(module: str, name: str) -> Any:
    try:
        return getattr(import_module(module), name, None)
    except ImportError:
        return None


def open_decisions(*, limit: int = 10) -> list[dict[str, Any]]:
    """Open decisions from the review's decision log (reports.review_selectors.open_decisions, issue 12), as
    {title, url, owner, since} dicts frozen into the summary."""
    selector = _selector("reports.review_selectors", "open_decisions")
    if selector is None:
        return []
    rows = []
    for decision in list(selector())[:limit]:
        theme = getattr(decision, "theme", None)
        owner = getattr(decision, "owner", None)
        note = getattr(decision, "note", "") or ""
        label = getattr(decision, "get_outcome_display", lambda: "open")()
        rows.append(
            {
                "title": f"{getattr(theme, 'name', decision)}: {label.lower()}"
                + (f" ({note[:140]})" if note else ""),
                "url": f"/feedback/themes/{theme.pk}/" if theme is not None else "",
                "owner": (owner.get_full_name() or owner.get_username()) if owner is not None else "",
                "due": "",
            }
        )
    return rows


def efficiency_metrics() -> list[dict[str, Any]] | None:
    """The latest PM internal-time share and inbound quality, from the time audits (audits.selectors and
    audits.inbound_selectors); None when that app offers neither."""
    pm = _selector("audits.selectors", "pm_internal_share_over_rounds")
    inbound = _selector("audits.inbound_selectors", "inbound_quality_over_time")
    if pm is None and inbound is None:
        return None
    out: list[dict[str, Any]] = []
    if pm is not None:
        measured = [p for p in pm()["points"] if p["n"]]
        if measured:
            last = measured[-1]
            out.append(
                {
                    "label": f"PM internal-status share, median ({last['round'].name})",
                    "value": f"{last['median']:.0f}%",
                }
            )
            out.append(
                {"label": "PMs over the internal-time threshold", "value": f"{last['share_over']:.0f}%"}
            )
    if inbound is not None:
        shares = [v for v in inbound()["share"]["datasets"][-1]["data"] if v is not None]
        if shares:
            out.append(
                {
                    "label": "Inbound questions about strategy (all teams, last 4 weeks)",
                    "value": f"{shares[-1]:.0f}%",
                }
            )
    return out


def efficiency_charts() -> dict[str, Any] | None:
    """Chart.js data for the CPO overview: PM internal-time share per audit round, strategy share of inbound."""
    pm = _selector("audits.selectors", "pm_internal_share_over_rounds")
    inbound = _selector("audits.inbound_selectors", "inbound_quality_over_time")
    if pm is None and inbound is None:
        return None
    return {
        "pm": pm()["chart"] if pm is not None else None,
        "inbound": inbound()["share"] if inbound is not None else None,
    }
