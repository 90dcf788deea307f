"""Template helpers of the trend reports, and the launch outcome panel the release page includes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from feedback.templatetags.feedback_tags import money
from reports.trends_launches import launch_outcome as compute_launch_outcome

register = template.Library()


@register.filter
def money_signed(value: object) -> str:
    """+$12k / -$3k: an ARR change, signed."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if amount == 0:
        return "$0"
    return ("+" if amount > 0 else "-") + money(abs(amount))


@register.inclusion_tag("reports/trends/_launch_outcome.html")
def launch_outcome(release: Any) -> dict[str, Any]:
    """The release's launch outcome (tickets and feedback on its themes before vs after launch), once launched."""
    return {"outcome": compute_launch_outcome(release), "on_release_page": True}


@register.filter
def pvalue(value: object, digits: int = 4) -> str:
    """A p- or q-value for people: 0.0312, or "< 0.0001" rather than a row of zeros."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    floor = 10 ** -int(digits)
    if number < floor:
        return f"< {floor:.{int(digits)}f}"
    return f"{number:.{int(digits)}f}"
