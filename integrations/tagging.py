"""The seam to theme tagging (feedback app): tag what a sync changed, after its transaction commits."""

from __future__ import annotations

from feedback import dispatch


def enqueue_tagging(item_ids: list[int]) -> None:
    if item_ids:
        dispatch.on_commit(dispatch.TAG_ITEMS, list(item_ids))
