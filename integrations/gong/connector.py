"""Gong calls over plain HTTP (httpx): /v2/calls/extensive with content, trackers and the Salesforce context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from feedback.models import ItemKind, Source
from integrations.http import raise_for_status, timeout_seconds, unreachable
from integrations.records import (
    AccountRef,
    FeedbackRecord,
    Page,
    parse_timestamp,
    require,
)

CONTENT_SELECTOR = {
    "context": "Extended",
    "exposedFields": {
        "parties": True,
        "content": {
            "trackers": True,
            "topics": True,
            "brief": True,
            "keyPoints": True,
            "highlights": True,
            "callOutcome": True,
        },
    },
}


@dataclass(frozen=True)
class GongSettings:
    base_url: str
    access_key: str
    access_key_secret: str
    lookback_hours: int = 48
    backfill_days: int = 30  # how far back a first sync or --full reaches (GONG_BACKFILL_DAYS)


class GongCalls:
    vendor = "gong"
    stream = "calls"

    def __init__(
        self,
        config: GongSettings,
        *,
        client: httpx.Client | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.client = client or httpx.Client(
            base_url=config.base_url,
            auth=(config.access_key, config.access_key_secret),
            timeout=timeout_seconds(),
        )
        self.now = now or (lambda: datetime.now(UTC))

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        start = since or self.now() - timedelta(days=self.config.backfill_days)
        return {"from": start.isoformat()}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        # A run fixes its window's end on its first page; Gong shows calls only after processing them, so the next
        # run starts `lookback_hours` before this end and de-duplication by call id absorbs the overlap.
        window_to = cursor.get("to") or self.now().isoformat()
        body: dict[str, Any] = {
            "filter": {"fromDateTime": cursor["from"], "toDateTime": window_to},
            "contentSelector": CONTENT_SELECTOR,
        }
        if cursor.get("page"):
            body["cursor"] = cursor["page"]
        try:
            response = self.client.post("/v2/calls/extensive", json=body)
        except httpx.TransportError as exc:
            raise unreachable("Gong", exc) from exc
        if response.status_code == 404:
            calls, next_page = [], None  # Gong answers 404 for a window with no calls
        else:
            raise_for_status("Gong", response)
            payload = response.json()
            calls = payload.get("calls") or []
            next_page = (payload.get("records") or {}).get("cursor")
        if next_page:
            return Page(
                records=calls,
                cursor_after={"from": cursor["from"], "to": window_to, "page": next_page},
                done=False,
            )
        next_from = datetime.fromisoformat(window_to) - timedelta(hours=self.config.lookback_hours)
        return Page(records=calls, cursor_after={"from": next_from.isoformat()}, done=True)

    def external_id(self, raw: Mapping[str, Any]) -> str:
        meta = raw.get("metaData") if isinstance(raw, Mapping) else None
        return str((meta or {}).get("id") or "")

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        meta = raw.get("metaData") or {}
        call_id = require(meta, "id")
        content = raw.get("content") or {}
        account_id, opportunity_id = _salesforce_context(raw.get("context") or [])
        parts = [content.get("brief") or ""]
        parts += [point.get("text", "") for point in content.get("keyPoints") or []]
        for highlight in content.get("highlights") or []:
            parts += [item.get("text", "") for item in highlight.get("items") or []]
        trackers = [t.get("name", "") for t in content.get("trackers") or [] if t.get("count", 1)]
        topics = [t.get("name", "") for t in content.get("topics") or []]
        # Tracker and topic names go into the text so the themes' keyword rules match on them.
        if trackers:
            parts.append("Trackers: " + ", ".join(trackers) + ".")
        if topics:
            parts.append("Topics: " + ", ".join(topics) + ".")
        return FeedbackRecord(
            source=Source.GONG,
            external_id=str(call_id),
            kind=ItemKind.CALL,
            occurred_at=parse_timestamp(meta.get("started"), field_name="metaData.started"),
            title=str(meta.get("title") or "Call"),
            body="\n".join(p for p in parts if p),
            url=str(meta.get("url") or ""),
            author=str(meta.get("primaryUserId") or ""),
            account=AccountRef(salesforce_id=account_id),
            opportunity_salesforce_id=opportunity_id,
            raw=raw,
        )


def _salesforce_context(context: list[Mapping[str, Any]]) -> tuple[str, str]:
    account_id = opportunity_id = ""
    for system in context:
        if system.get("system") != "Salesforce":
            continue
        for obj in system.get("objects") or []:
            if obj.get("objectType") == "Account" and not account_id:
                account_id = str(obj.get("objectId") or "")
            elif obj.get("objectType") == "Opportunity" and not opportunity_id:
                opportunity_id = str(obj.get("objectId") or "")
    return account_id, opportunity_id
