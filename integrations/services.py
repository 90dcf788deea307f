"""Integration actions the pages, tasks and commands share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings

from feedback.blockers import theme_alias_add
from feedback.models import Theme
from integrations import engine
from integrations.models import Connection, SyncRun
from integrations.registry import connector_for
from integrations.sources import source_for


def sync_now(
    *, vendor: str, trigger: str = "manual", full: bool = False, since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SyncRun:  # fmt: skip
    return engine.run_sync(connector_for(vendor), trigger=trigger, full=full, since=since, progress=progress)


def rejected_retry(*, connection: Connection) -> SyncRun:
    """Replay the connection's open rejects from their original vendor payloads, through the same mapper and store
    as a sync (the account may exist now, or the mapping was fixed). Recorded as a run with trigger "retry": what
    stores is resolved, what fails again keeps one open reject with a fresh reason."""
    return engine.replay_rejects(source_for(connection.vendor, connection.stream), trigger="retry")


def runs_fail_stale() -> int:
    return engine.runs_fail_stale(older_than=timedelta(minutes=settings.SYNC_STALE_MINUTES))


def blocker_map(*, name: str, theme: Theme) -> int:
    """A CRM "blocked by feature" name that matched no theme becomes an alias of `theme`; its deals link now.
    Returns how many deals were linked."""
    return theme_alias_add(theme=theme, alias=name)
