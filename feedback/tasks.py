"""Celery tasks: thin, idempotent, take ids and call a service. Sent through feedback.dispatch after commit."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from feedback import queries, services

_RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**_RETRY, expires=6 * 3600)
def tag_items_task(item_ids: list[int]) -> int:
    """Apply keyword rules to new or changed items (integrations send this after each upsert batch)."""
    return services.tag_items(list(item_ids))


@shared_task(**_RETRY)
def retag_theme_task(theme_id: int) -> int:
    """Re-apply one theme's rules to the whole store after its rules changed."""
    return services.retag_all_for_theme(theme_id)


@shared_task(**_RETRY, expires=3600)
def warm_dashboard_task() -> int:
    """Precompute the dashboard's common cuts after the store changed (and on the beat schedule)."""
    return queries.warm()
