"""NPS from the signed webhook and from CSV, through the same store as every sync."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations import engine
from integrations.guard import MAPPING_ERRORS, check_feedback, check_raw, storable_reject, strip_nul
from integrations.models import SyncRun
from integrations.nps.mapping import NPS_CSV_COLUMNS, BadRow, map_csv_row, map_delighted, read_csv
from integrations.records import FeedbackRecord, Rejected

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 5_000


def import_nps_payload(payload: Mapping[str, Any] | list[Mapping[str, Any]]) -> SyncRun:
    responses = payload if isinstance(payload, list) else [payload]
    records: list[FeedbackRecord] = []
    rejects: list[tuple[str, str, Any]] = []
    for raw in responses:
        raw = strip_nul(raw)
        try:
            check_raw(raw)
            records.append(check_feedback(map_delighted(raw)))
        except MAPPING_ERRORS as exc:
            response_id = raw.get("id", "") if isinstance(raw, Mapping) else ""
            rejects.append(storable_reject(str(response_id), _reason(exc), raw))
    return engine.store_records("nps", "webhook", records, rejects, trigger="webhook")


def import_nps_csv(data: bytes, *, progress: Progress | None = None) -> SyncRun:
    """Good rows are stored; bad rows are kept with their line number. Raises ValueError for an unusable file.

    `progress(done, total)` is called every few thousand rows (background imports show it)."""
    records: list[FeedbackRecord] = []
    rejects: list[tuple[str, str, Any]] = []
    rows = read_csv(data, NPS_CSV_COLUMNS)
    for index, (number, row) in enumerate(rows):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(rows))
        try:
            if isinstance(row, BadRow):
                raise row
            records.append(check_feedback(map_csv_row(row)))
        except MAPPING_ERRORS as exc:
            raw = {"line": number} if isinstance(row, BadRow) else row
            rejects.append(storable_reject(f"line {number}", f"line {number}: {_reason(exc)}", raw))
    return engine.store_records("nps", "csv", records, rejects, trigger="upload")


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, Rejected) else f"cannot be read ({type(exc).__name__}: {exc})"[:500]
