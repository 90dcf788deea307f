"""NPS from the signed webhook and from CSV, through the same engine and store as every sync."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations import engine
from integrations.models import SyncRun
from integrations.nps.mapping import (
    LINE,
    NPS_CSV_COLUMNS,
    csv_key,
    delighted_id,
    map_csv_row,
    map_delighted,
    on_line,
    read_csv,
)
from integrations.records import FeedbackRecord, Rejected, payload_id


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
        return map_delighted(raw)


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
            return map_csv_row(raw)
        except Rejected as exc:
            raise on_line(raw, exc) from exc


def import_nps_payload(payload: Mapping[str, Any] | list[Mapping[str, Any]]) -> SyncRun:
    responses = payload if isinstance(payload, list) else [payload]
    return engine.store_pushed(NpsWebhook(), responses, trigger="webhook")


def import_nps_csv(data: bytes) -> SyncRun:
    """Good rows are stored; bad rows are kept with their line number. Raises ValueError for an unusable file."""
    return engine.store_pushed(NpsCsv(), read_csv(data, NPS_CSV_COLUMNS), trigger="upload")
