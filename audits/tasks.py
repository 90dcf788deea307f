"""Thin tasks: take ids, call a service. Each is idempotent (see the services for how)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from productops.task_options import task_options

TASK_OPTIONS = task_options()


@shared_task(name="audits.tasks.notify_pm", **TASK_OPTIONS)
def notify_pm(question_id: int) -> bool:
    from audits.ask_services import notify_pm_of_question

    return notify_pm_of_question(question_id=question_id)


@shared_task(name="audits.tasks.notify_asker", **TASK_OPTIONS)
def notify_asker(question_id: int) -> bool:
    from audits.ask_services import notify_asker_of_answer

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


@shared_task(name="audits.tasks.reclassify_inbound", **TASK_OPTIONS)
def reclassify_inbound() -> int:
    from audits.inbound_services import inbound_reclassify

    return inbound_reclassify()
