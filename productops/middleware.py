from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# Paths reachable without a session. The API is not here: DRF answers anonymous calls with 401 itself.
# The digest's one-click unsubscribe carries a signed token instead of a session (mail clients POST it, RFC 8058).
PUBLIC_PREFIXES: tuple[str, ...] = (
    "/accounts/login/",
    "/healthz",
    "/static/",
    "/api/",
    "/digest/unsubscribe/",
)


class LoginRequiredEverywhereMiddleware:
    """Every HTML page requires login, so a view that forgets a decorator still shows nothing to strangers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/admin/"):
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class RejectNulInputMiddleware:
    """A NUL character in a query string or form field is a 400, whatever view it was meant for.

    PostgreSQL text cannot hold NUL: a value read straight from request.GET / request.POST (not through a form
    field, which refuses it) would otherwise reach a query and fail there as a 500.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        f"{key.replace(chr(0), '')}: null characters are not allowed.",
                        content_type="text/plain",
                    )
        return self.get_response(request)
