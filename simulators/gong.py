"""Fake Gong: POST /v2/calls/extensive with a from-inclusive / to-exclusive window on `started`, cursor paging,
404 for an empty window, and calls that only appear once "processed"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulators.server import FakeServer, Request, Response


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeGong(FakeServer):
    def __init__(self, *, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.calls: list[dict[str, Any]] = []
        self.unprocessed: set[str] = set()
        self.route("POST", "/v2/calls/extensive", self._extensive)

    def add_call(
        self,
        call_id: str,
        started: str | int,
        *,
        account: str = "",
        opportunity: str = "",
        processed: bool = True,
        **content: Any,
    ) -> dict[str, Any]:
        objects = []
        if account:
            objects.append({"objectType": "Account", "objectId": account, "fields": []})
        if opportunity:
            objects.append({"objectType": "Opportunity", "objectId": opportunity, "fields": []})
        call = {
            "metaData": {"id": call_id, "url": f"https://app.gong.io/call?id={call_id}", "title": f"Call {call_id}",
                         "started": started, "duration": 1800, "primaryUserId": "u1", "direction": "Outbound",
                         "system": "Zoom", "scope": "External", "language": "eng", "purpose": None},
            "context": [{"system": "Salesforce", "objects": objects}] if objects else [],
            "parties": [],
            "content": {"brief": "", "keyPoints": [], "highlights": [], "trackers": [], "topics": [], **content},
        }  # fmt: skip
        self.calls.append(call)
        if not processed:
            self.unprocessed.add(call_id)
        return call

    def process(self, call_id: str) -> None:
        self.unprocessed.discard(call_id)

    def _started(self, call: dict[str, Any]) -> datetime:
        started = call["metaData"]["started"]
        return datetime.fromtimestamp(started).astimezone() if isinstance(started, int) else _at(started)

    def _extensive(self, request: Request) -> Response:
        if "Authorization" not in request.headers:
            return Response(401, {"requestId": "r", "errors": ["Unauthorized"]})
        body = request.json()
        window = body.get("filter") or {}
        low, high = _at(window["fromDateTime"]), _at(window["toDateTime"])
        visible = [
            c for c in self.calls
            if c["metaData"]["id"] not in self.unprocessed and low <= self._started(c) < high
        ]  # fmt: skip
        visible.sort(key=lambda c: (self._started(c), c["metaData"]["id"]))
        if not visible:
            return Response(
                404, {"requestId": "r", "errors": ["No calls found corresponding to the provided filters"]}
            )
        offset = int(body.get("cursor") or 0)
        page = visible[offset : offset + self.page_size]
        records: dict[str, Any] = {
            "totalRecords": len(visible),
            "currentPageSize": len(page),
            "currentPageNumber": offset // self.page_size,
        }
        if offset + self.page_size < len(visible):
            records["cursor"] = str(offset + self.page_size)
        return Response(200, {"requestId": "r", "records": records, "calls": page})
