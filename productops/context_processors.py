from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from productops.navigation import nav_for
from productops.roles import Role, primary_role, user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_for(user, request.path),
        "current_role": primary_role(user),
        "current_roles": sorted(role.value for role in user_roles(user)),
        "can_log_feedback": bool(user_roles(user) - {Role.CPO}),
    }
