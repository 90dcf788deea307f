"""Reading the digest (every role), the archive, one's own subscription, and the one-click unsubscribe."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from digest import selectors, services
from digest.emails import user_id_from_token
from digest.forms import ArchiveSearchForm, SubscriptionForm
from digest.models import Digest, DigestSubscription
from productops.navigation import PILLAR_ROLES
from productops.page_cache import cached_page
from productops.roles import Role, has_any_role, role_required

READ_ROLES = PILLAR_ROLES["digest"]
EDIT_ROLES = (Role.PRODUCT_OPS,)


def parse_period(period: str) -> tuple[int, int]:
    """'2026-49' → (2026, 49); anything that is not a real ISO week is a 404."""
    try:
        year, week = (int(part) for part in period.split("-"))
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise Http404(f"There is no week {period}.") from exc
    return year, week


def _page(request: HttpRequest, digest: Digest | None, *, preview: bool = False) -> HttpResponse:
    can_edit = has_any_role(request.user, EDIT_ROLES)
    context = {"digest": digest, "can_edit": can_edit, "preview": preview}
    if digest is not None:
        # Preview "as Sales": the viewer's own accounts, with Sales's reading rights (no verbatims).
        as_sales = preview and request.GET.get("as") == "sales"
        verbatims = False if as_sales else selectors.can_read_verbatims(request.user)
        context.update(
            sections=selectors.reader_sections(
                digest,
                user=request.user,
                verbatims=verbatims,
                entries=list(digest.entries.order_by("position", "id")),
                render_notes=services.render_markdown if preview else None,
            ),
            intro_html=services.render_markdown(digest.intro) if preview else digest.intro_html,
            show_verbatims=verbatims,
            as_sales=as_sales,
            neighbours=selectors.neighbours(digest) if not preview else (None, None),
        )
    return render(request, "digest/page.html", context)


@role_required(*READ_ROLES)
@cached_page
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, selectors.latest_published())


@role_required(*READ_ROLES)
@cached_page
def period(request: HttpRequest, period: str) -> HttpResponse:
    year, week = parse_period(period)
    digest = selectors.digest_by_period(year, week)
    if digest is None:
        raise Http404(f"There is no digest for week {period}.")
    if not digest.is_published:
        if has_any_role(request.user, EDIT_ROLES):
            return redirect("digest:edit", period=digest.period)
        raise Http404(f"The digest for week {period} is not published yet.")
    return _page(request, digest)


@role_required(*READ_ROLES)
def archive(request: HttpRequest) -> HttpResponse:
    form = ArchiveSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    digests = list(selectors.search_published(text)[:104]) if not form.errors else []
    context = {"form": form, "digests": digests, "q": text}
    return render(request, "digest/archive.html", context, status=400 if form.errors else 200)


@role_required(*READ_ROLES)
def subscription(request: HttpRequest) -> HttpResponse:
    current = DigestSubscription.objects.filter(user=request.user).prefetch_related("product_areas").first()
    initial = {
        "active": current.active if current else False,
        "product_areas": list(current.product_areas.all()) if current else [],
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscription_update(
            user=request.user,
            active=form.cleaned_data["active"],
            product_areas=list(form.cleaned_data["product_areas"]),
        )
        messages.success(
            request,
            "You will get the digest by email."
            if form.cleaned_data["active"]
            else "You will not get the digest by email.",
        )
        return redirect("digest:subscription")
    return render(request, "digest/subscription.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners prefetch GETs); POST unsubscribes, with or without a login."""
    user_id = user_id_from_token(token)
    if user_id is None:
        return render(request, "digest/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.subscription_stop(user_id=user_id)
        done = True
    return render(request, "digest/unsubscribe.html", {"done": done, "token": token})
