"""Usage metrics from CSV (account_external_id, metric, date, value): one row per account, metric and day.

Stored by the same engine and the one UsageMetric upsert (integrations.store.usage) as the Pendo sync.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from integrations import engine
from integrations.models import SyncRun
from integrations.nps.mapping import check_row, on_line, read_csv
from integrations.records import AccountRef, Rejected, UsageRecord

USAGE_CSV_COLUMNS = ("account_external_id", "metric", "date", "value")


class UsageCsv:
    vendor = "usage"
    stream = "csv"
    label = "Usage metrics"

    def external_id(self, raw: Mapping[str, Any]) -> str:
        parts = [str(raw.get(c) or "").strip() for c in ("account_external_id", "metric", "date")]
        return "|".join(parts) if all(parts) else ""

    def map_record(self, raw: Mapping[str, Any]) -> UsageRecord:
        try:
            check_row(raw)
            return _usage(raw)
        except Rejected as exc:
            raise on_line(raw, exc) from exc


def _usage(row: Mapping[str, Any]) -> UsageRecord:
    ref = str(row.get("account_external_id") or "").strip()
    if not ref:
        raise Rejected("account_external_id is empty")
    name = str(row.get("metric") or "").strip()
    if not name:
        raise Rejected("metric is empty")
    try:
        day = date.fromisoformat(str(row.get("date") or "").strip())
    except ValueError as exc:
        raise Rejected(f"date must look like 2026-01-31, got {row.get('date')!r}") from exc
    try:
        value = float(str(row.get("value") or "").strip())
    except ValueError as exc:
        raise Rejected(f"value must be a number, got {row.get('value')!r}") from exc
    if not math.isfinite(value):
        raise Rejected(f"value must be a finite number, got {row.get('value')!r}")
    # The column holds a Salesforce id or a domain: either may match (an empty one never does).
    return UsageRecord(
        account=AccountRef(salesforce_id=ref, domain=ref), metric=name[:64], day=day, value=value,
        raw=dict(row),
    )  # fmt: skip


def import_usage_csv(data: bytes, *, trigger: str = "upload") -> SyncRun:
    """Store the good rows, keep the bad ones with their line number and reason. Raises ValueError for a bad file."""
    return engine.store_pushed(UsageCsv(), read_csv(data, USAGE_CSV_COLUMNS), trigger=trigger)
