"""Rejected records: kept once each, with the vendor's original payload, until a sync or a retry stores them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from integrations.models import Connection, RejectedRecord, SyncRun

Reject = tuple[str, str, Any]  # (external id, reason, the vendor's raw payload)


def _jsonable(raw: Any) -> Any:
    return raw if isinstance(raw, dict | list) else {"value": str(raw)}


def keep_rejects(conn: Connection, run: SyncRun, rejects: list[Reject]) -> None:
    """Keep each rejected record once: a record rejected again refreshes its open entry instead of adding one."""
    latest: dict[str, Reject] = {}
    for reject in rejects:
        latest[reject[0][:128]] = reject  # the same record twice in a batch: the last reason wins
    if not latest:
        return
    open_ids = set(
        RejectedRecord.objects.filter(
            connection=conn, resolved_at__isnull=True, external_id__in=list(latest)
        ).values_list("external_id", flat=True)
    )
    fresh = []
    for eid, (_full_id, reason, raw) in latest.items():
        if eid in open_ids:
            RejectedRecord.objects.filter(connection=conn, external_id=eid, resolved_at__isnull=True).update(
                run=run, reason=reason, raw=_jsonable(raw)
            )
        else:
            fresh.append(
                RejectedRecord(connection=conn, run=run, external_id=eid, reason=reason, raw=_jsonable(raw))
            )
    RejectedRecord.objects.bulk_create(fresh)


def open_reject_ids(conn: Connection) -> set[str]:
    return set(
        RejectedRecord.objects.filter(connection=conn, resolved_at__isnull=True).values_list(
            "external_id", flat=True
        )
    )


def close_rejects(conn: Connection, external_ids: Iterable[str]) -> int:
    """The records with these ids are stored (or deleted at the vendor) now: their open rejects are resolved."""
    ids = [eid[:128] for eid in external_ids]
    if not ids:
        return 0
    return RejectedRecord.objects.filter(
        connection=conn, resolved_at__isnull=True, external_id__in=ids
    ).update(resolved_at=timezone.now())
