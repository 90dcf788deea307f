from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from productops.health import health_report
from productops.roles import Role, has_any_role, home_url_for, primary_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role comes for."""
    if primary_role(request.user) is None:
        return redirect("no-role")
    return redirect(home_url_for(request.user))


@login_required
def whoami(request: HttpRequest) -> HttpResponse:
    """The smallest login-required page: who the session belongs to. The load benchmark's yardstick."""
    return HttpResponse(request.user.get_username(), content_type="text/plain; charset=utf-8")


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "no_role.html", status=403)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Up or down for anyone (load balancers, uptime checks); which servers and why only for Product Ops."""
    healthy, report = health_report()
    body: dict[str, object] = {"status": "ok" if healthy else "down"}
    if has_any_role(request.user, {Role.PRODUCT_OPS}):
        body.update(report)
    return JsonResponse(body, status=200 if healthy else 503)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """API clients get JSON for a path that matches nothing (e.g. a negative id), as for every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found as html_page_not_found

    return html_page_not_found(request, exception)
