"""Readiness pages: the board, a release with its checklist, the kit, and the release form."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.permissions import can_read_feedback
from feedback.queries import snapshot
from feedback.selectors import accounts_matching
from productops.csv_cells import Echo, csv_safe
from productops.navigation import PILLAR_ROLES
from productops.page_cache import cached_page
from productops.roles import Role, has_any_role, role_required
from productops.validation import parse_id
from readiness import selectors, services
from readiness.forms import AddAccountForm, FaqForm, ReleaseForm, TickForm
from readiness.models import Category, ChecklistItem, FaqEntry, Release

READ_ROLES = PILLAR_ROLES["readiness"]
EDIT_ROLES = (Role.PM, Role.PRODUCT_OPS)
FAQ_ROLES = (Role.PM, Role.PRODUCT_OPS, Role.CSM)


@role_required(*READ_ROLES)
@cached_page
def index(request: HttpRequest) -> HttpResponse:
    is_csm = has_any_role(request.user, [Role.CSM])
    only_mine = request.GET.get("mine", "1" if is_csm else "0") == "1"
    rows = selectors.board(today=timezone.localdate(), user=request.user, only_mine=only_mine)
    context = {"rows": rows, "only_mine": only_mine, "can_edit": has_any_role(request.user, EDIT_ROLES)}
    return render(request, "readiness/index.html", context)


def _release_context(
    request: HttpRequest, release: Release, tick_errors: dict[int, str] | None = None
) -> dict:
    today = timezone.localdate()
    items = list(selectors.checklist_with_history(release))
    readiness = selectors.readiness_of(items, release.launch_date, today)
    by_category = [
        (label, [item for item in items if item.category == key]) for key, label in Category.choices
    ]
    return {
        "release": release,
        "readiness": readiness,
        "by_category": [(label, group) for label, group in by_category if group],
        "today": today,
        "window_days": settings.READINESS_WINDOW_DAYS,
        "can_tick": {
            item.pk: not services.is_frozen(release) and services.can_tick(request.user, item)
            for item in items
        },
        "frozen": services.is_frozen(release),
        "tick_errors": tick_errors or {},
        "can_edit": has_any_role(request.user, EDIT_ROLES),
        "history": selectors.release_history(release),
        "evidence": selectors.validation_evidence(release)
        if any(i.category == Category.VALIDATION and i.done_at is None for i in items)  # shown beside it
        else None,
    }


def _release(pk: int) -> Release:
    return get_object_or_404(
        Release.objects.select_related("pm_owner", "product_area").prefetch_related("themes"), pk=pk
    )


@role_required(*READ_ROLES)
@cached_page
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release(pk)
    return render(request, "readiness/release.html", _release_context(request, release))


def _checklist_response(
    request: HttpRequest, item: ChecklistItem, errors: dict[int, str] | None = None
) -> HttpResponse:
    release = _release(item.release_id)
    context = _release_context(request, release, errors)
    if request.htmx:
        return render(request, "readiness/release.html#checklist", context, status=400 if errors else 200)
    if errors:
        return render(request, "readiness/release.html", context, status=400)
    return redirect("readiness:release", pk=release.pk)


@require_POST
@role_required(*READ_ROLES)
def item_tick(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem, pk=pk)
    form = TickForm(request.POST)
    if not form.is_valid():
        return _checklist_response(request, item, {item.pk: "Enter a valid http(s) link."})
    try:
        services.item_tick(item=item, actor=request.user, evidence_url=form.cleaned_data["evidence_url"])
    except ValidationError as exc:
        return _checklist_response(
            request, item, {item.pk: " ".join(exc.message_dict.get("evidence_url", exc.messages))}
        )
    return _checklist_response(request, item)


@require_POST
@role_required(*READ_ROLES)
def item_untick(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem, pk=pk)
    services.item_untick(item=item, actor=request.user)
    return _checklist_response(request, item)


@require_POST
@role_required(*EDIT_ROLES)
def checklist_open(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release(pk)
    try:
        items = services.checklist_open(release=release, actor=request.user)
        messages.success(request, f"Opened the checklist: {len(items)} items with owners and due dates.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("readiness:release", pk=pk)


@role_required(*EDIT_ROLES)
def release_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    release = _release(pk) if pk else None
    old_launch = release.launch_date if release else None
    form = ReleaseForm(
        request.POST or None, instance=release, initial={} if release else {"pm_owner": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        new_launch = form.cleaned_data["launch_date"]
        saved = form.save(commit=False)
        if old_launch is not None:
            saved.launch_date = old_launch  # the service moves it, so open due dates move with it
        try:
            moved = services.release_save(
                release=saved, launch_date=new_launch, actor=request.user, themes=form.cleaned_data["themes"]
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return render(
                request, "readiness/release_form.html", {"form": form, "release": release}, status=400
            )
        if old_launch is not None and new_launch != old_launch:
            messages.info(request, f"Launch moved to {new_launch}; {moved} open due dates moved with it.")
        messages.success(request, f"Saved {saved.name}.")
        return redirect("readiness:release", pk=saved.pk)
    return render(request, "readiness/release_form.html", {"form": form, "release": release})


@require_POST
@role_required(*EDIT_ROLES)
def release_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release(pk)
    action = request.POST.get("action")
    if action == "refresh":
        count = services.release_refresh_affected_accounts(release=release)
        messages.success(request, f"{count} accounts gave feedback on the linked themes.")
    elif action == "remove" and parse_id(request.POST.get("account")):
        services.release_account_remove(release=release, account_id=parse_id(request.POST["account"]))
    elif action == "add":
        form = AddAccountForm(request.POST)
        name = form.cleaned_data["name"].strip() if form.is_valid() else ""
        matches = accounts_matching(name, limit=1) if name else []
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("name", ["Enter an account name."])))
        elif not matches:
            messages.error(
                request, f"No account is called {name!r} (use its exact name, domain or Salesforce id)."
            )
        else:
            services.release_account_add(release=release, account=matches[0])
    return redirect("readiness:kit", pk=pk)


@role_required(*READ_ROLES)
@cached_page
def kit(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release(pk)
    form = FaqForm()
    can_edit_faq = services.can_add_faq(request.user, release)
    if request.method == "POST":
        if not can_edit_faq:
            raise PermissionDenied(
                services.FROZEN if services.is_frozen(release) else "Your role may not edit the FAQ."
            )
        form = FaqForm(request.POST)
        if form.is_valid():
            services.faq_add(release=release, actor=request.user, **form.cleaned_data)
            messages.success(request, "Added to the FAQ.")
            return redirect("readiness:kit", pk=pk)
    with snapshot():  # the page's figures and lists from one snapshot, as the cache keys assume
        faq = list(release.faq.all())
        context = {
            "removable_faq": {
                entry.pk for entry in faq if services.can_remove_faq(request.user, entry, release)
            },
            "faq_history": list(release.faq_events.select_related("actor")[:20]),
            "release": release,
            "faq": [entry for entry in faq if not entry.for_high_risk],
            "high_risk_faq": [entry for entry in faq if entry.for_high_risk],
            "high_risk": selectors.high_risk_accounts(release, user=request.user),
            "affected": selectors.affected_accounts(
                release,
                user=request.user,
                owner=request.GET.get("owner"),
                query=request.GET.get("q", ""),
                page=request.GET.get("page", 1),
            ),
            "form": form,
            "can_edit_faq": can_edit_faq,
            "can_read_feedback": can_read_feedback(request.user),
            "can_edit": has_any_role(request.user, EDIT_ROLES),
            "add_account_form": AddAccountForm(),
        }
    return render(request, "readiness/kit.html", context, status=400 if form.errors else 200)


AFFECTED_CSV_COLUMNS = ["account", "domain", "owner", "owner_email", "lifecycle", "arr", "salesforce_id"]


@role_required(*READ_ROLES)
def kit_accounts_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every affected account of a release as CSV (the kit shows them a page at a time)."""
    release = _release(pk)
    writer = csv.writer(Echo())
    fields = ["name", "domain", "owner_csm__first_name", "owner_csm__last_name", "owner_csm__username"]
    fields += ["owner_csm__email", "lifecycle", "arr", "salesforce_id"]
    # Read here, in one query: at most one row per account (tens of thousands), and the stream then touches no
    # database (a server-side cursor left open by a client that stops reading would outlive its transaction).
    rows = list(release.affected_accounts.order_by("name", "pk").values_list(*fields))

    def lines() -> Iterator[str]:
        yield writer.writerow(AFFECTED_CSV_COLUMNS)
        for name, domain, first, last, username, email, lifecycle, arr, sf_id in rows:
            owner = " ".join(filter(None, [first, last])) or username or ""
            cells = [name, domain, owner, email or "", lifecycle, "" if arr is None else arr, sf_id or ""]
            yield writer.writerow([csv_safe(cell) for cell in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="release-{release.pk}-affected-accounts.csv"'
    return response


@require_POST
@role_required(*FAQ_ROLES)
def faq_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(FaqEntry.objects.select_related("release"), pk=pk)
    services.faq_remove(entry=entry, actor=request.user)
    messages.success(request, "Removed from the FAQ.")
    return redirect("readiness:kit", pk=entry.release_id)
