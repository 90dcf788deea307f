"""Writes for time-audit rounds: templates, rounds, participants, responses, reminders."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audits import defaults
from audits.answers import clean_answers
from audits.emails import send_html_mail
from audits.models import (
    Participant,
    Question,
    Response,
    Round,
    RoundReminder,
    RoundStatus,
    SurveyTemplate,
    TemplateQuestion,
)

logger = logging.getLogger(__name__)
QUESTION_FIELDS = (
    "position",
    "kind",
    "prompt",
    "help_text",
    "choices",
    "internal_choice",
    "metric",
    "required",
)


# --- Templates ---------------------------------------------------------------------------------------------------


@transaction.atomic
def templates_ensure_defaults() -> None:
    """Load a shipped template only when its key is missing: an edited default is never overwritten."""
    for spec in defaults.DEFAULT_TEMPLATES:
        if SurveyTemplate.objects.filter(key=spec["key"]).exists():
            continue
        template = SurveyTemplate.objects.create(
            key=spec["key"],
            name=spec["name"],
            audience=spec["audience"],
            description=spec["description"],
            default_roles=spec["default_roles"],
        )
        TemplateQuestion.objects.bulk_create(
            TemplateQuestion(template=template, position=i, **{"required": True, **q})
            for i, q in enumerate(spec["questions"])
        )


def check_question(*, kind: str, choices: list[str], internal_choice: str, metric: str) -> None:
    """A question's own consistency, by field (the form and the API show these next to the field)."""
    errors: dict[str, str] = {}
    if kind == "percent_split":
        if len(choices) < 2:
            errors["choices"] = "A split needs at least two categories, one per line."
        elif len(set(choices)) != len(choices):
            errors["choices"] = "Each category must appear once."
        if internal_choice and internal_choice not in choices:
            errors["internal_choice"] = "Must be one of the categories, written exactly the same."
        if metric == "pm_time_split" and not internal_choice:
            errors["internal_choice"] = "The PM time split needs the category that counts as internal status."
    elif metric == "pm_time_split":
        errors["metric"] = "Only a percent-split question can be the PM time split."
    if metric == "status_asks" and kind != "count_per_week":
        errors["metric"] = "Only a count-per-week question can count status asks."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_question_save(*, question: TemplateQuestion) -> TemplateQuestion:
    if question.kind != "percent_split":
        question.choices, question.internal_choice = [], ""
    check_question(
        kind=question.kind,
        choices=question.choices,
        internal_choice=question.internal_choice,
        metric=question.metric,
    )
    if question.pk is None:
        question.position = question.template.questions.count()
    question.save()
    question.template.save(update_fields=["updated_at"])
    return question


@transaction.atomic
def template_question_delete(*, question: TemplateQuestion) -> None:
    question.delete()


# --- Rounds ------------------------------------------------------------------------------------------------------


def users_with_roles(roles: Iterable[str]) -> Any:
    return get_user_model().objects.filter(groups__name__in=list(roles), is_active=True).distinct()


@transaction.atomic
def round_create(
    *, template: SurveyTemplate, name: str, created_by: Any, roles: Iterable[str] | None = None
) -> Round:
    """A draft round with its own copy of the template's questions and the users of the chosen roles."""
    round_ = Round.objects.create(
        name=name, template=template, audience=template.audience, created_by=created_by
    )
    Question.objects.bulk_create(
        Question(round=round_, **{field: getattr(q, field) for field in QUESTION_FIELDS})
        for q in template.questions.all()
    )
    round_add_participants(round=round_, roles=template.default_roles if roles is None else roles)
    return round_


def _check_not_closed(round_: Round) -> None:
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError({"round": "This round is closed; its participants and answers are frozen."})


@transaction.atomic
def round_add_participants(*, round: Round, roles: Iterable[str] = (), users: Iterable[Any] = ()) -> int:
    _check_not_closed(round)
    ids = set(users_with_roles(roles).values_list("id", flat=True)) | {u.pk for u in users}
    created = Participant.objects.bulk_create(
        [Participant(round=round, user_id=user_id) for user_id in sorted(ids)], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def round_remove_participant(*, round: Round, user_id: int) -> None:
    _check_not_closed(round)
    if Response.objects.filter(round=round, user_id=user_id).exists():
        raise ValidationError({"user": "This person has answered; their answer stays in the round."})
    Participant.objects.filter(round=round, user_id=user_id).delete()


@transaction.atomic
def round_open(*, round: Round) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.DRAFT:
        raise ValidationError({"status": f"Only a draft round can be opened; this one is {round.status}."})
    if not round.participant_rows.exists():
        raise ValidationError({"participants": "Add participants before opening the round."})
    if not round.questions.exists():
        raise ValidationError({"questions": "This round has no questions."})
    round.status, round.opened_at = RoundStatus.OPEN, timezone.now()
    round.save(update_fields=["status", "opened_at"])
    return round


@transaction.atomic
def round_close(*, round: Round) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.OPEN:
        raise ValidationError({"status": f"Only an open round can be closed; this one is {round.status}."})
    round.status, round.closed_at = RoundStatus.CLOSED, timezone.now()
    round.save(update_fields=["status", "closed_at"])
    return round


# --- Responses ---------------------------------------------------------------------------------------------------


def _check_can_answer(round: Round, user: Any) -> None:
    if round.status == RoundStatus.CLOSED:
        raise ValidationError({"round": "This round is closed; answers can no longer be given or changed."})
    if round.status != RoundStatus.OPEN:
        raise ValidationError({"round": "This round is not open yet."})
    if not Participant.objects.filter(round=round, user=user).exists():
        raise ValidationError({"round": "You are not a participant of this round."})


def _cleaned(round: Round, answers: Mapping[str, Any]) -> dict[str, Any]:
    # Raises AnswerErrors (by question id): the page shows each next to its question, the API under "answers".
    return clean_answers(list(round.questions.all()), answers)


@transaction.atomic
def response_create(*, round: Round, user: Any, answers: Mapping[str, Any]) -> Response:
    round = Round.objects.select_for_update().get(pk=round.pk)  # closing waits for us, or we see it closed
    _check_can_answer(round, user)
    if Response.objects.filter(round=round, user=user).exists():
        raise ValidationError({"round": "You have already answered this round; change your answer instead."})
    cleaned = _cleaned(round, answers)
    try:
        with transaction.atomic():
            return Response.objects.create(round=round, user=user, answers=cleaned)
    except IntegrityError as exc:  # two tabs submitting at once: the constraint has the last word
        raise ValidationError({"round": "You have already answered this round."}) from exc


@transaction.atomic
def response_update(*, round: Round, user: Any, answers: Mapping[str, Any]) -> Response:
    round = Round.objects.select_for_update().get(pk=round.pk)
    _check_can_answer(round, user)
    response = Response.objects.filter(round=round, user=user).first()
    if response is None:
        raise ValidationError({"round": "You have not answered this round yet."})
    response.answers = _cleaned(round, answers)
    response.save(update_fields=["answers", "updated_at"])
    return response


def response_save(*, round: Round, user: Any, answers: Mapping[str, Any]) -> Response:
    """The answer page's one button: first answer or a change to it."""
    if Response.objects.filter(round=round, user=user).exists():
        return response_update(round=round, user=user, answers=answers)
    return response_create(round=round, user=user, answers=answers)


# --- Reminders ---------------------------------------------------------------------------------------------------


def portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def round_send_reminders(*, round: Round, today: date) -> int:
    """Email participants who have not answered. A person is reminded at most once per round and day: the claim
    row is written with the send, in one transaction, so a retry or a second click sends only to the rest."""
    if round.status != RoundStatus.OPEN:
        return 0
    pending = (
        get_user_model()
        .objects.filter(pk__in=Participant.objects.filter(round=round).values("user_id"))
        .exclude(pk__in=Response.objects.filter(round=round).values("user_id"))
        .exclude(pk__in=RoundReminder.objects.filter(round=round, sent_on=today).values("user_id"))
        .order_by("pk")
    )
    link = portal_url(reverse("audits:respond", args=[round.pk]))
    sent = 0
    for user in pending:
        try:
            with transaction.atomic():
                RoundReminder.objects.create(round=round, user=user, sent_on=today)
                send_html_mail(
                    subject=f"Time audit: {round.name} is waiting for your answers",
                    template="audits/email/reminder",
                    context={"round": round, "user": user, "link": link},
                    to=user,
                )
        except IntegrityError:
            continue  # another worker claimed this person today
        sent += 1
    return sent


def rounds_send_reminders(*, today: date) -> int:
    return sum(
        round_send_reminders(round=round_, today=today)
        for round_ in Round.objects.filter(status=RoundStatus.OPEN).order_by("pk")
    )
