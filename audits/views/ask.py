"""Ask the PM: the question box on a release page, and the inbox where PMs answer and askers read answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audits import ask_services, inbound_selectors, selectors
from audits.forms import AnswerForm, AskForm
from audits.models import InboundQuestion
from audits.views.access import ASK_ROLES, EVERYONE
from productops.roles import role_required
from readiness.models import Release


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else ""


@role_required(*ASK_ROLES)
def ask(request: HttpRequest, release_id: int) -> HttpResponse:
    """GET: the question form on a page of its own (linked from digest entries); POST: send it to the PM, then
    back to where it was asked (a release page) or to the asker's inbox."""
    release = get_object_or_404(Release.objects.select_related("pm_owner"), pk=release_id)
    form = AskForm(request.POST or None)
    back = _safe_next(request.POST.get("next", "") or request.GET.get("next", ""))
    if request.method == "POST" and form.is_valid():
        ask_services.ask_the_pm(release=release, asker=request.user, text=form.cleaned_data["text"])
        pm = release.pm_owner.get_full_name() or release.pm_owner.username
        messages.success(request, f"Your question went to {pm}. You will get an email when they answer.")
        return redirect(back or "audits:inbox")
    status = 400 if form.errors else 200
    return render(request, "audits/ask.html", {"release": release, "form": form, "next": back}, status=status)


@role_required(*EVERYONE)
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audits/inbox.html",
        {
            "received": inbound_selectors.inbox_for(request.user),
            "asked": inbound_selectors.asked_by(request.user),
            "surveys": selectors.open_rounds_for(request.user),
            "errors": {},
        },
    )


@require_POST
@role_required(*EVERYONE)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(InboundQuestion, pk=pk)
    if not ask_services.can_answer(request.user, question):
        raise PermissionDenied("Only the PM this was asked of answers it.")
    form = AnswerForm(request.POST)
    form.is_valid()
    try:
        ask_services.inbound_answer(
            question=question, user=request.user, answer=form.cleaned_data.get("answer", "")
        )
    except ValidationError as exc:
        context = {
            "received": inbound_selectors.inbox_for(request.user),
            "asked": inbound_selectors.asked_by(request.user),
            "surveys": selectors.open_rounds_for(request.user),
            "errors": {question.pk: " ".join(exc.messages)},
            "drafts": {question.pk: request.POST.get("answer", "")},
        }
        return render(request, "audits/inbox.html", context, status=400)
    messages.success(request, "Answer sent; the asker gets an email.")
    return redirect("audits:inbox")
