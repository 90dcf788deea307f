"""Fake Zendesk: cursor-based incremental ticket export, comments, and sideloaded organizations.

Follows the documented wire format: `after_url` is absolute (pointing at this server), `after_cursor` stays set at
the end of the stream, `end_of_stream` says when to stop. Tickets are ordered by `updated_at`; a cursor encodes the
position after the last ticket served, so tickets changed later appear again on the next export.
"""

from __future__ import annotations

import base64
from typing import Any

from simulators.server import FakeServer, Request, Response


class FakeZendesk(FakeServer):
    def __init__(self, *, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.tickets: list[dict[str, Any]] = []
        self.organizations: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self._clock = 1_700_000_000
        self.route("GET", "/api/v2/incremental/tickets/cursor.json", self._export)
        self.route("GET", "/api/v2/tickets/", self._comments)

    def add_ticket(self, **fields: Any) -> dict[str, Any]:
        self._clock += 60
        ticket = {
            "id": len(self.tickets) + 1, "subject": "Subject", "description": "Description", "tags": [],
            "priority": "normal", "status": "open", "type": "problem", "requester_id": 9, "organization_id": None,
            "created_at": "2026-02-01T10:00:00Z", "updated_at": self._clock, "satisfaction_rating": None,
            "custom_fields": [], "via": {"channel": "email", "source": {}},
        }  # fmt: skip
        ticket.update(fields)
        ticket["url"] = f"{self.base_url}/api/v2/tickets/{ticket['id']}.json"
        self.tickets.append(ticket)
        return ticket

    def touch(self, ticket_id: int, **changes: Any) -> None:
        """Change a ticket: it moves to the end of the export, as Zendesk orders by update time."""
        self._clock += 60
        ticket = next(t for t in self.tickets if t["id"] == ticket_id)
        ticket.update(changes, updated_at=self._clock)

    def _encode(self, position: int) -> str:
        return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode()

    def _decode(self, cursor: str) -> int:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])

    def _export(self, request: Request) -> Response:
        ordered = sorted(self.tickets, key=lambda t: (t["updated_at"], t["id"]))
        if "cursor" in request.query:
            after_stamp = self._decode(request.query["cursor"][0])
            remaining = [t for t in ordered if t["updated_at"] > after_stamp]
        else:
            start = int(request.query.get("start_time", ["0"])[0])
            remaining = [t for t in ordered if t["updated_at"] >= start]
        page = remaining[: self.page_size]
        last_stamp = page[-1]["updated_at"] if page else (ordered[-1]["updated_at"] if ordered else 0)
        cursor = self._encode(last_stamp)
        end = len(remaining) <= self.page_size
        body: dict[str, Any] = {
            "tickets": page,
            "after_url": f"{self.base_url}/api/v2/incremental/tickets/cursor.json?cursor={cursor}",
            "after_cursor": cursor,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": end,
        }
        if "organizations" in request.query.get("include", [""])[0]:
            org_ids = {t["organization_id"] for t in page if t.get("organization_id")}
            body["organizations"] = [self.organizations[i] for i in org_ids if i in self.organizations]
        return Response(200, body)

    def _comments(self, request: Request) -> Response:
        ticket_id = int(request.path.split("/")[4])
        return Response(
            200,
            {
                "comments": self.comments.get(ticket_id, []),
                "next_page": None,
                "previous_page": None,
                "count": 0,
            },
        )
