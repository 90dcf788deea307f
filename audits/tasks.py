"""Thin tasks: take ids, call a service. Each is idempotent (see the services for how)."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone

TASK_OPTIONS = {
    "acks_late": True,
    "max_retries": 3,
    "retry_backoff": True,
    # Only transient errors: a dropped connection or a timeout. Anything else is a bug, not a retry.
    "autoretry_for": (
        ConnectionError,
        TimeoutError,
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
    ),
}


@shared_task(name="audits.tasks.notify_pm", **TASK_OPTIONS)
def notify_pm(question_id: int) -> bool:
    from audits.inbound_services import notify_pm_of_question

    return notify_pm_of_question(question_id=question_id)


@shared_task(name="audits.tasks.notify_asker", **TASK_OPTIONS)
def notify_asker(question_id: int) -> bool:
    from audits.inbound_services import notify_asker_of_answer

    return notify_asker_of_answer(question_id=question_id)


@shared_task(name="audits.tasks.send_round_reminders", **TASK_OPTIONS)
def send_round_reminders(round_id: int | None = None) -> int:
    from audits.models import Round
    from audits.services import round_send_reminders, rounds_send_reminders

    today = timezone.localdate()
    if round_id is None:
        return rounds_send_reminders(today=today)
    round_ = Round.objects.filter(pk=round_id).first()
    return round_send_reminders(round=round_, today=today) if round_ else 0
