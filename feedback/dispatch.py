"""The one shape feedback code uses to enqueue Celery work: by task name, after the transaction commits.

Tasks import services (a task takes ids and calls a service); services must not import tasks back, or the two form
an import circle. So services, the cache and the integrations seam name the task here and this module looks it up
in Celery's registry when the transaction commits. `FeedbackConfig.ready` imports `feedback.tasks`, so the tasks
are registered in every process (web, worker, beat) before anything is sent. Nothing is sent if the transaction
rolls back, and a task never runs before the rows it is about are visible to the worker.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction

TAG_ITEMS = "feedback.tasks.tag_items_task"
RETAG_THEME = "feedback.tasks.retag_theme_task"
WARM_DASHBOARD = "feedback.tasks.warm_dashboard_task"


def send(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Enqueue `task_name(*args)` now (outside a transaction, or from an on-commit hook)."""
    current_app.tasks[task_name].apply_async(args=list(args), countdown=countdown)


def on_commit(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Enqueue `task_name(*args)` once the current transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: send(task_name, *args, countdown=countdown))
