from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def sparkline(values: list[float], width: int = 120, height: int = 28) -> str:
    """A small inline SVG line chart of a series (numbers only, so nothing to escape)."""
    points = [float(v) for v in values or []]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 4) / (len(points) - 1)
    coords = " ".join(
        f"{2 + i * step:.1f},{height - 3 - (value - low) / span * (height - 6):.1f}"
        for i, value in enumerate(points)
    )
    trend = "#2f9e44" if points[-1] >= points[0] else "#c92a2a"
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/></svg>',
        width, height, width, height, f"from {points[0]:.0f} to {points[-1]:.0f}", trend, coords,
    )  # fmt: skip
