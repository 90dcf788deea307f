from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback (voice of the customer)"

    def ready(self) -> None:
        # Register the Celery tasks in every process, so feedback.dispatch can send them by name.
        from feedback import tasks  # noqa: F401
