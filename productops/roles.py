"""Roles are Django groups (created by a migration). Every page and API call names the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    PRODUCT_OPS = "Product Ops"
    PM = "PM"
    CSM = "CSM"
    SALES = "Sales"
    CPO = "CPO"


ALL_ROLES: frozenset[Role] = frozenset(Role)

# Where each role lands after login: the page it comes to the portal for (DESIGN.md, "Who uses it").
ROLE_HOME: dict[Role, str] = {
    Role.PRODUCT_OPS: "/integrations/",
    Role.PM: "/feedback/",
    Role.CSM: "/readiness/",
    Role.SALES: "/digest/",
    Role.CPO: "/reports/",
}
# Order in which a user's roles are considered when choosing one landing page.
ROLE_PRECEDENCE: tuple[Role, ...] = (Role.PRODUCT_OPS, Role.CPO, Role.PM, Role.CSM, Role.SALES)


def user_roles(user: Any) -> frozenset[Role]:
    """The roles a user holds. Superusers hold all of them. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_productops_roles", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        roles = ALL_ROLES
    else:
        names = set(user.groups.values_list("name", flat=True))
        roles = frozenset(role for role in Role if role.value in names)
    user._productops_roles = roles
    return roles


def has_any_role(user: Any, roles: Iterable[Role]) -> bool:
    return bool(user_roles(user) & frozenset(roles))


def primary_role(user: Any) -> Role | None:
    held = user_roles(user)
    return next((role for role in ROLE_PRECEDENCE if role in held), None)


def home_url_for(user: Any) -> str:
    role = primary_role(user)
    return ROLE_HOME[role] if role else "/accounts/no-role/"


def role_required(*roles: Role) -> Callable:
    """Decorate a view so only users holding one of `roles` reach it (anonymous users go to the login page)."""
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_any_role(request.user, allowed):
                raise PermissionDenied("Your role may not see this page.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set `allowed_roles`."""

    allowed_roles: Iterable[Role] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request.user, self.allowed_roles):
            raise PermissionDenied("Your role may not see this page.")
        return super().dispatch(request, *args, **kwargs)


class HasAllowedRole(BasePermission):
    """DRF default permission: authenticated, and holding one of the view's `allowed_roles`.

    A view that names no roles is closed to everyone: forgetting to declare access must not open data.
    Views may also declare `write_roles` to narrow unsafe methods further.
    """

    message = "Your role may not use this endpoint."

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        allowed = frozenset(getattr(view, "allowed_roles", ()))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            allowed = frozenset(getattr(view, "write_roles", allowed))
        return has_any_role(request.user, allowed)
