"""NPS from the signed webhook and from CSV, through the same engine and store as every sync."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations import engine
from integrations.guard import MAPPING_ERRORS, check_feedback, check_raw
from integrations.models import SyncRun
from integrations.nps.mapping import (
    BAD_ROW,
    LINE,
    NPS_CSV_COLUMNS,
    check_row,
    csv_key,
    delighted_id,
    map_csv_row,
    map_delighted,
    on_line,
    read_csv,
)
from integrations.records import FeedbackRecord, Rejected, payload_id
from productops.bulk import strip_nul


class NpsWebhook:
    """Delighted-style responses pushed to POST /api/v1/ingest/nps/."""

    vendor = "nps"
    stream = "webhook"
    label = "NPS"

    def external_id(self, raw: Mapping[str, Any]) -> str:
        return delighted_id(raw)

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        if not isinstance(raw, Mapping):
            raise Rejected("a response must be a JSON object")
        # A shape the mapper does not expect (a list where an object belongs, 1e300 for a date, nesting a thousand
        # deep) is this response's reject, not the batch's failure (integrations/guard.py).
        try:
            check_row(raw)
            check_raw(raw)
            return check_feedback(map_delighted(raw))
        except MAPPING_ERRORS as exc:
            raise (
                exc
                if isinstance(exc, Rejected)
                else Rejected(f"cannot be read ({type(exc).__name__}: {exc})")
            ) from exc


class NpsCsv:
    """Rows of an uploaded NPS CSV (NPS_CSV_COLUMNS)."""

    vendor = "nps"
    stream = "csv"
    label = "NPS"

    def external_id(self, raw: Mapping[str, Any]) -> str:
        try:
            return csv_key(raw)
        except Rejected:
            return payload_id({k: v for k, v in raw.items() if k != LINE})

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        try:
            check_row(raw)
            return check_feedback(map_csv_row(raw))
        except Rejected as exc:
            raise on_line(raw, exc) from exc


def import_nps_payload(payload: Mapping[str, Any] | list[Mapping[str, Any]]) -> SyncRun:
    responses = strip_nul(payload if isinstance(payload, list) else [payload])  # PostgreSQL text holds no NUL
    return engine.store_pushed(NpsWebhook(), [_storable(raw) for raw in responses], trigger="webhook")


def _storable(raw: Any) -> Any:
    """A response PostgreSQL cannot keep as JSON (NaN, nesting past MAX_DEPTH) is kept as an excerpt, marked with
    why, so its reject can be stored and read."""
    try:
        check_raw(raw)
    except Rejected as exc:
        if isinstance(raw, Mapping) or "JSON object" not in str(exc):
            return {BAD_ROW: str(exc), "id": str(raw.get("id", ""))[:100] if isinstance(raw, Mapping) else "",
                    "excerpt": repr(raw)[:2000]}  # fmt: skip
    return raw


def import_nps_csv(data: bytes) -> SyncRun:
    """Good rows are stored; bad rows are kept with their line number. Raises ValueError for an unusable file."""
    return engine.store_pushed(NpsCsv(), read_csv(data, NPS_CSV_COLUMNS), trigger="upload")
