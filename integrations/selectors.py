"""What the integrations page shows: each connection's state, recent runs and open rejects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, QuerySet, Subquery

from feedback.blockers import UnmatchedBlocker
from feedback.blockers import unmatched_blockers as _unmatched
from integrations.models import Connection, RejectedRecord, SyncRun
from integrations.registry import VENDORS
from integrations.sources import pushed_label


@dataclass
class ConnectionState:
    key: str
    label: str
    stream: str
    enabled: bool
    pull: bool
    connection: Connection | None
    last_run: SyncRun | None
    open_rejects: int
    next_run: datetime | None


def connection_states() -> list[ConnectionState]:
    latest = SyncRun.objects.filter(connection=OuterRef("pk")).order_by("-started_at", "-id").values("pk")[:1]
    annotated = list(Connection.objects.annotate(last_run_id=Subquery(latest)))
    connections = {(c.vendor, c.stream): c for c in annotated}
    runs = SyncRun.objects.in_bulk([c.last_run_id for c in annotated if c.last_run_id])
    last_runs = {c.pk: runs[c.last_run_id] for c in annotated if c.last_run_id}
    rejects = _open_rejects_by_connection()
    states = []
    for vendor in VENDORS.values():
        conn = connections.get((vendor.key, vendor.stream))
        last = last_runs.get(conn.pk) if conn else None
        next_run = None
        if vendor.enabled:
            base = last.started_at if last else None
            next_run = base + timedelta(minutes=vendor.interval_minutes) if base else None
        states.append(ConnectionState(vendor.key, vendor.label, vendor.stream, vendor.enabled, True, conn, last,
                                      rejects.get(conn.pk, 0) if conn else 0, next_run))  # fmt: skip
    for (vendor, stream), conn in sorted(connections.items()):
        if vendor in VENDORS:
            continue
        label = pushed_label(vendor, stream)
        states.append(
            ConnectionState(
                vendor,
                label,
                stream,
                True,
                False,
                conn,
                last_runs.get(conn.pk),
                rejects.get(conn.pk, 0),
                None,
            )
        )
    return states


def _open_rejects_by_connection() -> dict[int, int]:
    rows = (
        RejectedRecord.objects.filter(resolved_at__isnull=True)
        .values("connection_id")
        .annotate(n=Count("id"))
    )
    return {row["connection_id"]: row["n"] for row in rows}


def recent_runs(limit: int = 25) -> QuerySet[SyncRun]:
    return SyncRun.objects.select_related("connection")[:limit]


def open_rejects(limit: int = 50) -> QuerySet[RejectedRecord]:
    return RejectedRecord.objects.filter(resolved_at__isnull=True).select_related("connection", "run")[:limit]


def unmatched_blockers(limit: int = 30) -> list[UnmatchedBlocker]:
    """Deal blocker names from the CRM that match no theme, for Product Ops to map."""
    return _unmatched()[:limit]
