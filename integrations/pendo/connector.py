"""Pendo usage through the aggregation API: events and minutes per account and day."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from integrations.http import raise_for_status, timeout_seconds, unreachable
from integrations.records import AccountRef, Page, Rejected, UsageRecord

METRICS = {"numEvents": "pendo_events", "numMinutes": "pendo_minutes"}


class PendoUsage:
    vendor = "pendo"
    stream = "usage"

    def __init__(
        self, *, base_url: str, integration_key: str, overlap_days: int = 2, client: httpx.Client | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:  # fmt: skip
        self.overlap_days = overlap_days
        self.client = client or httpx.Client(
            base_url=base_url,
            headers={"X-Pendo-Integration-Key": integration_key},
            timeout=timeout_seconds() * 2,
        )
        self.today = today or (lambda: datetime.now(UTC).date())

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        return {"first_day": (since.date() if since else self.today() - timedelta(days=30)).isoformat()}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        first = date.fromisoformat(cursor["first_day"])
        days = max(1, min(30, (self.today() - first).days))
        first_ms = int(datetime.combine(first, datetime.min.time(), tzinfo=UTC).timestamp() * 1000)
        body = {
            "response": {"mimeType": "application/json"},
            "request": {
                "pipeline": [
                    {"source": {"events": None, "timeSeries": {"period": "dayRange", "first": first_ms, "count": days}}},
                    {"group": {"group": ["accountId", "day"], "fields": [{"numEvents": {"sum": "numEvents"}}, {"numMinutes": {"sum": "numMinutes"}}]}},
                ]
            },
        }  # fmt: skip
        try:
            response = self.client.post("/api/v1/aggregation", json=body)
        except httpx.TransportError as exc:
            raise unreachable("Pendo", exc) from exc
        raise_for_status("Pendo", response)
        rows = response.json().get("results") or []
        records = [{**row, "metric_field": field} for row in rows for field in METRICS if field in row]
        last = first + timedelta(days=days)
        # Today's numbers are still growing: the next run starts a little earlier and overwrites them.
        next_first = max(first, last - timedelta(days=self.overlap_days))
        return Page(
            records=records, cursor_after={"first_day": next_first.isoformat()}, done=last >= self.today()
        )

    def external_id(self, raw: Mapping[str, Any]) -> str:
        account, day, field = raw.get("accountId"), raw.get("day"), raw.get("metric_field")
        return f"{account}|{day}|{field}" if account and day and field else ""

    def map_record(self, raw: Mapping[str, Any]) -> UsageRecord:
        account = str(raw.get("accountId") or "").strip()
        if not account:
            raise Rejected("accountId is missing")
        try:
            day = datetime.fromtimestamp(int(raw["day"]) / 1000, tz=UTC).date()
            value = float(raw[raw["metric_field"]])
        except (KeyError, TypeError, ValueError) as exc:
            raise Rejected(f"day or {raw.get('metric_field')} is not a number") from exc
        return UsageRecord(
            account=AccountRef(salesforce_id=account, domain=account if "." in account else ""),
            metric=METRICS[raw["metric_field"]], day=day, value=value, raw=raw,
        )  # fmt: skip
