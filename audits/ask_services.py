"""Ask the PM: a question from a release page or digest entry goes to the release's PM, who answers in the
portal; each side is emailed once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audits.inbound_services import MAX_QUESTION, inbound_create
from audits.models import InboundQuestion, InboundSource, Team


def team_of(user: Any) -> str:
    from productops.roles import Role, user_roles

    roles = user_roles(user)
    if Role.SALES in roles:
        return Team.SALES
    if Role.CSM in roles:
        return Team.CS
    return Team.OTHER


@transaction.atomic
def ask_the_pm(*, release: Any, asker: Any, text: str) -> InboundQuestion:
    """Log the question for the release's PM and email them once the question is committed."""
    from audits.tasks import notify_pm

    question = inbound_create(
        text=text,
        source=InboundSource.PORTAL,
        team=team_of(asker),
        asked_by=asker,
        asked_of=release.pm_owner,
        release=release,
    )
    transaction.on_commit(lambda: notify_pm.delay(question.pk))
    return question


def can_answer(user: Any, question: InboundQuestion) -> bool:
    from productops.roles import Role, has_any_role

    return question.asked_of_id == user.pk or has_any_role(user, [Role.PRODUCT_OPS])


@transaction.atomic
def inbound_answer(*, question: InboundQuestion, user: Any, answer: str) -> InboundQuestion:
    from audits.tasks import notify_asker

    if not can_answer(user, question):
        raise ValidationError({"answer": "Only the PM this was asked of (or Product Ops) answers it."})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write the answer."})
    if len(answer) > MAX_QUESTION:
        raise ValidationError({"answer": f"Keep it under {MAX_QUESTION} characters (this is {len(answer)})."})
    first_answer = question.answered_at is None
    question.answer, question.answered_by, question.answered_at = answer, user, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    if first_answer and question.asked_by_id:
        transaction.on_commit(lambda: notify_asker.delay(question.pk))
    return question


def _claim(question_id: int, field_name: str) -> InboundQuestion | None:
    return (
        InboundQuestion.objects.select_for_update(of=("self",))
        .select_related("asked_by", "asked_of", "release", "answered_by")
        .filter(Q(pk=question_id) & Q(**{f"{field_name}__isnull": True}))
        .first()
    )


def notify_pm_of_question(*, question_id: int) -> bool:
    """Email the PM once: the sent-at mark commits with the send, so a retry after a failure sends again and a
    duplicate delivery sends nothing."""
    from audits.emails import send_html_mail
    from audits.services import portal_url

    with transaction.atomic():
        question = _claim(question_id, "pm_notified_at")
        if question is None or question.asked_of is None:
            return False
        send_html_mail(
            subject=f"Question about {question.release or 'your area'} from "
            f"{question.asked_by.get_full_name() if question.asked_by else question.asker_name}",
            template="audits/email/ask_pm",
            context={"question": question, "link": portal_url("/audits/inbox/")},
            to=question.asked_of,
        )
        question.pm_notified_at = timezone.now()
        question.save(update_fields=["pm_notified_at"])
    return True


def notify_asker_of_answer(*, question_id: int) -> bool:
    from audits.emails import send_html_mail
    from audits.services import portal_url

    with transaction.atomic():
        question = _claim(question_id, "asker_notified_at")
        if question is None or question.asked_by is None or question.answered_at is None:
            return False
        send_html_mail(
            subject=f"Your question about {question.release or 'the product'} was answered",
            template="audits/email/answered",
            context={"question": question, "link": portal_url("/audits/inbox/")},
            to=question.asked_by,
        )
        question.asker_notified_at = timezone.now()
        question.save(update_fields=["asker_notified_at"])
    return True
