"""NPS from the signed webhook and from CSV, through the same store as every sync."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations import engine
from integrations.models import SyncRun
from integrations.nps.mapping import NPS_CSV_COLUMNS, map_csv_row, map_delighted, read_csv
from integrations.records import FeedbackRecord, Rejected


def import_nps_payload(payload: Mapping[str, Any] | list[Mapping[str, Any]]) -> SyncRun:
    responses = payload if isinstance(payload, list) else [payload]
    records: list[FeedbackRecord] = []
    rejects: list[tuple[str, str, Any]] = []
    for raw in responses:
        try:
            records.append(map_delighted(raw))
        except Rejected as exc:
            rejects.append((str(raw.get("id", "")) if isinstance(raw, Mapping) else "", str(exc), raw))
    return engine.store_records("nps", "webhook", records, rejects, trigger="webhook")


def import_nps_csv(data: bytes) -> SyncRun:
    """Good rows are stored; bad rows are kept with their line number. Raises ValueError for an unusable file."""
    records: list[FeedbackRecord] = []
    rejects: list[tuple[str, str, Any]] = []
    for number, row in read_csv(data, NPS_CSV_COLUMNS):
        try:
            records.append(map_csv_row(row))
        except Rejected as exc:
            rejects.append((f"line {number}", f"line {number}: {exc}", row))
    return engine.store_records("nps", "csv", records, rejects, trigger="upload")
