"""Integration actions the pages, tasks and commands share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from integrations import engine
from integrations.mappers import mapper_for
from integrations.models import Connection, RejectedRecord, SyncRun
from integrations.records import Rejected
from integrations.registry import connector_for
from integrations.store import upsert_feedback


def sync_now(
    *, vendor: str, trigger: str = "manual", full: bool = False, since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SyncRun:  # fmt: skip
    return engine.run_sync(connector_for(vendor), trigger=trigger, full=full, since=since, progress=progress)


def rejected_retry(*, connection: Connection) -> tuple[int, int]:
    """Map the connection's open rejects again (the account may exist now, or the mapping was fixed).

    Returns (stored, still rejected). A reject that maps now is stored and marked resolved; others keep a fresh reason.
    """
    map_record = mapper_for(connection.vendor, connection.stream)
    stored = still = 0
    for rejected in RejectedRecord.objects.filter(connection=connection, resolved_at__isnull=True):
        try:
            record = map_record(rejected.raw)
        except Rejected as exc:
            rejected.reason = str(exc)
            rejected.save(update_fields=["reason"])
            still += 1
            continue
        upsert_feedback([record])
        rejected.resolved_at = timezone.now()
        rejected.save(update_fields=["resolved_at"])
        stored += 1
    return stored, still
