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
    """PM internal-time share and quality of inbound, from the time audits; None until that work lands."""
    selector = _selector("audits.selectors", "efficiency_metrics")
    if selector is None:
        return None
    return list(selector())
