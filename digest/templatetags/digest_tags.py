"""Filters for the digest's frozen JSON, where dates are ISO strings."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def isodate(value: object) -> date | object:
    """'2026-12-11' → a date, so templates can format it with |date; anything else passes through."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return value
