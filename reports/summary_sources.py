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
    """Open decisions from the insight report's decision log, as {title, url, owner, due} dicts."""
    selector = _selector("reports.selectors", "open_decisions")
    if selector is None:
        return []
    return [
        {
            "title": str(getattr(d, "title", d)),
            "url": d.get_absolute_url() if hasattr(d, "get_absolute_url") else "",
            "owner": str(getattr(d, "owner", "") or ""),
            "due": str(getattr(d, "due_date", "") or ""),
        }
        for d in list(selector())[:limit]
    ]


def efficiency_metrics() -> list[dict[str, Any]] | None:
    """PM internal-time share and quality of inbound, from the time audits; None until that work lands."""
    selector = _selector("audits.selectors", "efficiency_metrics")
    if selector is None:
        return None
    return list(selector())
