"""Who is on the other end of a request: the client address, trusting proxy headers only behind a configured proxy."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind a configured proxy the address that proxy appended last to X-Forwarded-For.

    The right-most entry is the one our proxy wrote; anything left of it came from the client and may be forged.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def lockout_response(request: HttpRequest, original_response: object = None, credentials: dict | None = None):  # type: ignore[no-untyped-def]
    """django-axes calls this when a username/address pair is locked out: a page that says so and for how long."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, except for authenticate() calls made without a request.

    Every login a person can reach (login page, admin, anything over HTTP) passes the request and is throttled.
    Calls without one come from our own code (the test client's login(), management commands), where there is no
    address to throttle and refusing them would only break those tools.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
