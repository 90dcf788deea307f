"""Delighted survey responses over HTTP (httpx): pages by `page`/`per_page`, filtered by `updated_since`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from integrations.http import raise_for_status, timeout_seconds, unreachable
from integrations.nps.mapping import delighted_id, map_delighted
from integrations.records import FeedbackRecord, Page


class DelightedResponses:
    vendor = "delighted"
    stream = "responses"

    def __init__(
        self, *, base_url: str, api_key: str, per_page: int = 100, client: httpx.Client | None = None
    ) -> None:
        self.per_page = per_page
        self.client = client or httpx.Client(base_url=base_url, auth=(api_key, ""), timeout=timeout_seconds())

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        return {"since": int(since.timestamp()) if since else 0, "page": 1, "seen_up_to": 0}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        params = {
            "per_page": self.per_page,
            "page": cursor.get("page", 1),
            "updated_since": cursor.get("since", 0),
        }
        try:
            response = self.client.get("/v1/survey_responses.json", params=params)
        except httpx.TransportError as exc:
            raise unreachable("Delighted", exc) from exc
        raise_for_status("Delighted", response)
        rows = response.json()
        seen = max(
            [
                cursor.get("seen_up_to", 0),
                *(int(r.get("updated_at") or 0) for r in rows if isinstance(r, dict)),
            ]
        )
        if len(rows) < self.per_page:
            # The next run asks for what changed since the newest update seen (inclusive: the upsert absorbs it).
            return Page(
                records=rows,
                cursor_after={"since": seen or cursor.get("since", 0), "page": 1, "seen_up_to": seen},
                done=True,
            )
        return Page(
            records=rows,
            cursor_after={**cursor, "page": cursor.get("page", 1) + 1, "seen_up_to": seen},
            done=False,
        )

    def external_id(self, raw: Mapping[str, Any]) -> str:
        return delighted_id(raw)

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        return map_delighted(raw)
