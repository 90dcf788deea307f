"""Pieces of the audits app that other apps' pages include, so those pages need one line, not a view change:
`{% ask_the_pm release %}` on a release page or digest entry, `{% audits_efficiency %}` on the CPO's reports page."""

from __future__ import annotations

from typing import Any

from django import template

from productops.roles import Role, has_any_role

register = template.Library()

ASK_ROLES = (Role.SALES, Role.CSM, Role.PRODUCT_OPS)


@register.inclusion_tag("audits/_ask_pm.html", takes_context=True)
def ask_the_pm(context: Any, release: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    pm = release.pm_owner
    return {
        "release": release,
        "can_ask": user is not None and has_any_role(user, ASK_ROLES) and user.pk != release.pm_owner_id,
        "pm_name": pm.get_full_name() or pm.username,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("audits/_ask_pm_link.html", takes_context=True)
def ask_the_pm_for(context: Any, release_id: int | None) -> dict[str, Any]:
    """A link for a digest entry, which keeps only its release's id. It reads nothing but the id and the reader's
    role, so a published digest page stays exactly as it was frozen (no form, no CSRF token, no live names)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "release_id": release_id,
        "can_ask": bool(release_id) and user is not None and has_any_role(user, ASK_ROLES),
    }


@register.inclusion_tag("audits/_efficiency.html")
def audits_efficiency(weeks: int = 13) -> dict[str, Any]:
    from audits.inbound_selectors import inbound_quality_over_time
    from audits.selectors import pm_internal_share_over_rounds

    return {"pm_rounds": pm_internal_share_over_rounds(), "quality": inbound_quality_over_time(weeks=weeks)}
