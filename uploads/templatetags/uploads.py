from __future__ import annotations

from django import template

from uploads.services import recent_imports

register = template.Library()


@register.inclusion_tag("uploads/_imports.html")
def csv_imports() -> dict:
    """The last uploads imported in the background, with their progress (on the integrations page)."""
    return {"imports": recent_imports()}
