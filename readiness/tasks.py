from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from productops.task_options import task_options

TASK_OPTIONS = task_options()


@shared_task(name="readiness.tasks.open_due_checklists", **TASK_OPTIONS)
def open_due_checklists() -> list[int]:
    from readiness.services import releases_mark_launched, releases_open_due_checklists

    today = timezone.localdate()
    releases_mark_launched(today=today)
    return releases_open_due_checklists(today=today)


@shared_task(name="readiness.tasks.send_reminders", **TASK_OPTIONS)
def send_reminders() -> int:
    from readiness.services import reminders_send

    return reminders_send(today=timezone.localdate())
