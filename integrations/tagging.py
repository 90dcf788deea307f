"""The seam to theme tagging (feedback app): tag what a sync changed, after its transaction commits."""

from __future__ import annotations

from django.db import transaction


def enqueue_tagging(item_ids: list[int]) -> None:
    if not item_ids:
        return
    try:
        from feedback.tasks import tag_items_task
    except ImportError:  # the feedback app's tagging is not installed in this build
        return
    ids = list(item_ids)
    transaction.on_commit(lambda: tag_items_task.delay(ids))
