"""The review decision log as an inclusion tag, so feedback's theme page shows it without its view knowing reports."""

from __future__ import annotations

from typing import Any

from django import template

from reports import review_selectors

register = template.Library()


@register.inclusion_tag("reports/review_decisions.html")
def decision_log(theme: Any) -> dict[str, Any]:
    return {
        "decision_rows": review_selectors.theme_decisions(theme.pk),
        "show_theme": False,
        "empty_text": "No review has decided on this theme yet.",
    }
