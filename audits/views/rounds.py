"""Time-audit rounds: the audits home, creating and running a round, answering it, and its results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audits import inbound_selectors, selectors, services
from audits.answers import AnswerErrors
from audits.forms import AddParticipantsForm, RoundCreateForm
from audits.models import Participant, QuestionKind, Response, Round, RoundStatus
from audits.views.access import CONTACT_ROLES, EVERYONE, INBOUND_READ_ROLES, OPS_ROLES, READ_ROLES
from productops.roles import has_any_role, role_required


def _errors_text(exc: ValidationError) -> str:
    return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)


@role_required(*READ_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    latest_pm = selectors.latest_closed_pm_round()
    context: dict[str, Any] = {
        "rounds": selectors.rounds_list(),
        "my_open": selectors.open_rounds_for(user),
        "is_ops": has_any_role(user, OPS_ROLES),
        "latest": selectors.round_results(latest_pm) if latest_pm else None,
    }
    if has_any_role(user, INBOUND_READ_ROLES):
        context["quality"] = inbound_selectors.inbound_quality_over_time()
    if has_any_role(user, CONTACT_ROLES):
        context["contact"] = inbound_selectors.pm_customer_contact(
            internal_shares=selectors.internal_share_by_user(latest_pm)
        )
        context["contact_round"] = latest_pm
    return render(request, "audits/index.html", context)


@role_required(*OPS_ROLES)
def round_new(request: HttpRequest) -> HttpResponse:
    form = RoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = services.round_create(
            template=form.cleaned_data["template"],
            name=form.cleaned_data["name"],
            created_by=request.user,
            roles=form.cleaned_data["roles"] or None,
        )
        messages.success(request, f"Round “{round_.name}” created as a draft with its participants.")
        return redirect("audits:round", pk=round_.pk)
    return render(request, "audits/round_new.html", {"form": form}, status=400 if form.errors else 200)


def _round_page(
    request: HttpRequest, round_: Round, form: AddParticipantsForm | None = None, status: int = 200
) -> HttpResponse:
    participants = Participant.objects.filter(round=round_).select_related("user").order_by("user__username")
    answered = set(Response.objects.filter(round=round_).values_list("user_id", flat=True))
    reminded = {
        user_id: sent_on
        for user_id, sent_on in round_.reminders.order_by("sent_on").values_list("user_id", "sent_on")
    }
    context = {
        "round": round_,
        "participants": [(p.user, p.user_id in answered, reminded.get(p.user_id)) for p in participants],
        "answered": len(answered),
        "questions": round_.questions.all(),
        "form": form or AddParticipantsForm(),
        "today": timezone.localdate(),
    }
    return render(request, "audits/round.html", context, status=status)


@role_required(*OPS_ROLES)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        form = AddParticipantsForm(request.POST)
        if form.is_valid():
            try:
                added = services.round_add_participants(
                    round=round_,
                    roles=form.cleaned_data["roles"],
                    users=[form.cleaned_data["username"]] if form.cleaned_data["username"] else [],
                )
            except ValidationError as exc:
                form.add_error(None, _errors_text(exc))
            else:
                messages.success(request, f"{added} participant{'s' * (added != 1)} added.")
                return redirect("audits:round", pk=pk)
        return _round_page(request, round_, form, status=400)
    return _round_page(request, round_)


@require_POST
@role_required(*OPS_ROLES)
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    try:
        if action == "open":
            services.round_open(round=round_)
            messages.success(request, "The round is open: participants can answer.")
        elif action == "close":
            services.round_close(round=round_)
            messages.success(request, "The round is closed: its answers are frozen.")
        elif action == "remind":
            sent = services.round_send_reminders(round=round_, today=timezone.localdate())
            messages.success(
                request,
                f"Reminder sent to {sent} participant{'s' * (sent != 1)} who had not answered "
                "(nobody is reminded twice on the same day).",
            )
        elif action == "remove":
            services.round_remove_participant(round=round_, user_id=int(request.POST.get("user_id") or 0))
            messages.success(request, "Participant removed.")
        else:
            raise PermissionDenied("Unknown action.")
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    return redirect("audits:round", pk=pk)


def answers_from_post(questions: list[Any], post: Any) -> dict[str, Any]:
    """The answer form's fields, by question id: q<id> for one value, q<id>_<n> per category of a split."""
    answers: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        if question.kind == QuestionKind.PERCENT_SPLIT:
            parts = {choice: post.get(f"q{key}_{i}", "").strip() for i, choice in enumerate(question.choices)}
            if any(parts.values()):
                answers[key] = {choice: value or "0" for choice, value in parts.items()}
        else:
            value = post.get(f"q{key}", "")
            if value.strip():
                answers[key] = value
    return answers


@role_required(*EVERYONE)
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    if not selectors.is_participant(round_, request.user):
        raise PermissionDenied("You are not a participant of this round.")
    questions = list(round_.questions.all())
    response = Response.objects.filter(round=round_, user=request.user).first()
    values: dict[str, Any] = dict(response.answers) if response else {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = answers_from_post(questions, request.POST)
        try:
            services.response_save(round=round_, user=request.user, answers=values)
        except AnswerErrors as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = {"round": _errors_text(exc)}
        else:
            messages.success(
                request,
                "Thank you: your answers are saved. You can change them until the round closes.",
            )
            return redirect("audits:respond", pk=pk)
        status = 400
    rows = []
    for question in questions:
        key = str(question.pk)
        value = values.get(key)
        row: dict[str, Any] = {"q": question, "key": key, "value": value, "error": errors.get(key)}
        if question.kind == QuestionKind.PERCENT_SPLIT:
            given = value if isinstance(value, dict) else {}
            row["parts"] = [
                (f"q{key}_{i}", choice, given.get(choice, "")) for i, choice in enumerate(question.choices)
            ]
        rows.append(row)
    context = {
        "round": round_,
        "rows": rows,
        "response": response,
        "round_error": errors.get("round"),
        "can_edit": round_.status == RoundStatus.OPEN,
    }
    return render(request, "audits/respond.html", context, status=status)


@role_required(*READ_ROLES)
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    return render(request, "audits/results.html", selectors.round_results(round_))
