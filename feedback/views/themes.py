"""Theme list and detail: rules, counts over time, accounts and deals behind it, merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from feedback import selectors, services
from feedback.forms import MergeForm, MoveItemsForm, ThemeForm
from feedback.models import Theme
from feedback.permissions import CURATE_ROLES, READ_ROLES
from productops.roles import has_any_role, role_required


@role_required(*READ_ROLES)
def theme_list(request: HttpRequest) -> HttpResponse:
    can_curate = has_any_role(request.user, CURATE_ROLES)
    form = ThemeForm(request.POST or None, initial={"status": "active"})
    if request.method == "POST":
        if not can_curate:
            return render(request, "403.html", status=403)
        if form.is_valid():
            theme = services.theme_create(user=request.user, **form.cleaned_data)
            messages.success(
                request, f"Created “{theme.name}”. Its rules are being applied to the whole store."
            )
            return redirect("feedback:theme", theme.pk)
    context = {"rows": selectors.theme_list_rows(), "form": form, "can_curate": can_curate}
    return render(request, "feedback/themes.html", context, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, theme: Theme, **forms: object) -> dict[str, object]:
    items = selectors.theme_recent_items(theme)
    initial = {
        "name": theme.name,
        "description": theme.description,
        "keywords": "\n".join(theme.keywords),
        "status": theme.status,
    }
    return {
        "theme": theme,
        "charts": selectors.theme_by_month(theme),
        "accounts": selectors.theme_accounts(theme),
        "deals": selectors.theme_open_deals(theme),
        "releases": selectors.theme_releases(theme),
        "events": list(theme.events.select_related("actor")[:20]),
        "items": items,
        "edit_form": forms.get("edit_form") or ThemeForm(initial=initial, theme=theme),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "move_form": forms.get("move_form") or MoveItemsForm(),
        "can_curate": has_any_role(request.user, CURATE_ROLES),
    }


@role_required(*READ_ROLES)
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    if theme.merged_into_id and request.method == "GET":
        messages.info(request, f"“{theme.name}” was merged into this theme.")
        return redirect("feedback:theme", theme.merged_into_id)
    if request.htmx and request.htmx.target == "retag":
        return render(request, "feedback/theme.html#retag", {"theme": theme})
    if request.method == "POST":
        if not has_any_role(request.user, CURATE_ROLES):
            return render(request, "403.html", status=403)
        form = ThemeForm(request.POST, theme=theme)
        if form.is_valid():
            services.theme_update(theme=theme, user=request.user, **form.cleaned_data)
            messages.success(request, "Saved. Changed rules are re-applied to every item in the background.")
            return redirect("feedback:theme", theme.pk)
        return render(
            request, "feedback/theme.html", _detail_context(request, theme, edit_form=form), status=400
        )
    return render(request, "feedback/theme.html", _detail_context(request, theme))


@require_POST
@role_required(*CURATE_ROLES)
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = get_object_or_404(Theme, pk=pk, merged_into__isnull=True)
    form = MergeForm(request.POST)
    if form.is_valid() and form.cleaned_data["merged"].pk != survivor.pk:
        merged = form.cleaned_data["merged"]
        services.merge_themes(survivor=survivor, merged=merged, user=request.user)
        messages.success(
            request, f"Merged “{merged.name}” into “{survivor.name}”: every link, rule and deal moved."
        )
        return redirect("feedback:theme", survivor.pk)
    if form.is_valid():
        form.add_error("merged", "Pick a different theme: a theme cannot be merged into itself.")
    return render(
        request, "feedback/theme.html", _detail_context(request, survivor, merge_form=form), status=400
    )


@require_POST
@role_required(*CURATE_ROLES)
def theme_move_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Split: move the selected items from this theme to another."""
    theme = get_object_or_404(Theme, pk=pk, merged_into__isnull=True)
    ids = [int(v) for v in request.POST.getlist("item") if v.isdigit()]
    form = MoveItemsForm(request.POST, item_ids=ids)
    if form.is_valid() and form.cleaned_data["target"].pk != theme.pk:
        target = form.cleaned_data["target"]
        services.move_items(
            item_ids=form.cleaned_data["item"], source=theme, target=target, user=request.user
        )
        messages.success(request, f"Moved {len(form.cleaned_data['item'])} item(s) to “{target.name}”.")
        return redirect("feedback:theme", theme.pk)
    if form.is_valid():
        form.add_error("target", "Pick a different theme to move the items to.")
    return render(request, "feedback/theme.html", _detail_context(request, theme, move_form=form), status=400)
