"""The cross-functional feedback review: packs for the meeting and the decisions taken in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from feedback.permissions import READ_ROLES
from productops.navigation import PILLAR_ROLES
from productops.roles import has_any_role, role_required
from reports import review_selectors
from reports.models import DecisionOutcome, Review
from reports.review_forms import DecisionForm, ReviewForm
from reports.review_services import DecisionError, decision_record, review_create

REVIEW_ROLES = PILLAR_ROLES["reports"]


@role_required(*REVIEW_ROLES)
def review_list(request: HttpRequest) -> HttpResponse:
    # An empty POST (no title) still asks for a pack: bind the form on POST whatever it holds.
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        review = review_create(user=request.user, title=form.cleaned_data["title"])
        messages.success(request, "Pack ready. Record each theme's decision during the meeting.")
        return redirect("reports:review", review.pk)
    context = {
        "form": form,
        "reviews": Review.objects.select_related("created_by").defer("pack")[:30],
        "open_decisions": review_selectors.open_decisions(),
    }
    return render(request, "reports/review_list.html", context, status=400 if form.errors else 200)


def _pack_page(request: HttpRequest, review: Review, form: DecisionForm | None = None) -> dict[str, Any]:
    previous = review_selectors.previous_review(before=review.period_end)
    can_read = has_any_role(request.user, READ_ROLES)
    pack = review_selectors.pack_context(review, can_read_verbatims=can_read)
    initial: dict[str, Any] = {"outcome": DecisionOutcome.ACCEPT}
    if request.GET.get("theme", "").isdigit():
        initial["theme"] = int(request.GET["theme"])
    return {
        "review": review,
        "previous": previous,
        "previous_decisions": list(review_selectors.decisions().filter(review=previous)) if previous else [],
        "decisions": list(review_selectors.decisions().filter(review=review)),
        "open_decisions": review_selectors.open_decisions(),
        "form": form or DecisionForm(initial=initial),
        "can_read_verbatims": can_read,
        **pack,
    }


@role_required(*REVIEW_ROLES)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("created_by"), pk=pk)
    return render(request, "reports/review_pack.html", _pack_page(request, review))


@require_POST
@role_required(*REVIEW_ROLES)
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_record(
                theme=data["theme"],
                outcome=data["outcome"],
                merge_into=data.get("merge_into"),
                owner=data.get("owner"),
                note=data.get("note") or "",
                review=review,
                user=request.user,
            )
        except DecisionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request, f"Recorded: {decision.get_outcome_display()} for “{decision.theme.name}”."
            )
            return redirect(f"{review.get_absolute_url()}#decisions")
    return render(request, "reports/review_pack.html", _pack_page(request, review, form), status=400)
