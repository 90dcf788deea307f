"""Formatting for the insight report and the review pack: money that may be unknown, trends, score terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from feedback.templatetags.feedback_tags import money

register = template.Library()


@register.filter
def known_money(figure: dict[str, Any] | None, key: str = "amount") -> str:
    """A sum over records some of which have no amount: "$1.2M", "unknown", or "$1.2M + 2 unknown".

    `figure` holds the known sum under `key` (amount or arr), the record count under count/accounts and "unknown".
    """
    if not figure:
        return "—"
    total = figure.get(key) if key in figure else figure.get("arr", figure.get("amount"))
    n = figure.get("count", figure.get("accounts", 0))
    unknown = figure.get("unknown", 0)
    if n and unknown == n:
        return "unknown"
    text = money(Decimal(str(total or 0)))
    return f"{text} + {unknown} unknown" if unknown else text


@register.filter
def trend(halves: list[int] | None) -> str:
    """Second half of the window against the first: "▲ 12%", "▼ 30%", "new" when the first half had none."""
    if not halves or not any(halves):
        return "—"
    early, late = halves
    if not early:
        return "new"
    change = 100 * (late - early) / early
    if round(change) > 0:
        return f"▲ {change:.0f}%"
    if round(change) < 0:
        return f"▼ {abs(change):.0f}%"
    return "≈ 0%"


@register.filter
def points(value: Decimal | float | str) -> str:
    return f"{Decimal(str(value)):.2f}"


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def person(user: Any) -> str:
    """A user's name for display, or "—" when there is none (a deleted user, a system action)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
