"""Fake Zendesk: cursor-based incremental ticket export, comments, sideloaded organizations and show_many.

Deleted tickets stay in the export with status "deleted", as Zendesk's incremental export serves them. The
organization sideload can be turned off (`sideload_organizations`), as when a caller's include is ignored, and
`serve_stale` replays an older copy of a ticket at the end of the export, as a vendor serving pages out of order.

Follows the documented wire format: `after_url` is absolute (pointing at this server), `after_cursor` stays set at
the end of the stream, `end_of_stream` says when to stop. Tickets are ordered by `updated_at`; a cursor encodes the
position after the last ticket served, so tickets changed later appear again on the next export.
"""

from __future__ import annotations

import base64
from typing import Any

from simulators.server import FakeServer, Request, Response


class FakeZendesk(FakeServer):
    def __init__(self, *, page_size: int = 2, sideload_organizations: bool = True) -> None:
        super().__init__()
        self.page_size = page_size
        self.sideload_organizations = sideload_organizations
        self.stale: list[dict[str, Any]] = []
        self.tickets: list[dict[str, Any]] = []
        self.organizations: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self._clock = 1_700_000_000
        self.route("GET", "/api/v2/incremental/tickets/cursor.json", self._export)
        self.route("GET", "/api/v2/tickets/", self._comments)
        self.route("GET", "/api/v2/organizations/show_many.json", self._show_many)

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

    def delete_ticket(self, ticket_id: int) -> None:
        """Zendesk keeps a deleted ticket in the export, with status "deleted" and a new update time."""
        self.touch(ticket_id, status="deleted")

    def serve_stale(self, ticket: dict[str, Any]) -> None:
        """Serve this (older) copy of a ticket after everything else in the export."""
        self.stale.append(dict(ticket))

    def _encode(self, position: int) -> str:
        return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode()

    def _decode(self, cursor: str) -> int:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])

    def _export(self, request: Request) -> Response:
        ordered = sorted(self.tickets, key=lambda t: (t["updated_at"], t["id"]))
        if self.stale:
            # Stale copies come last, each with a serving position past the newest ticket.
            top = ordered[-1]["updated_at"] if ordered else 0
            ordered = [*ordered, *({**t, "_position": top + n + 1} for n, t in enumerate(self.stale))]
            ordered = [{**t, "_position": t.get("_position", t["updated_at"])} for t in ordered]
        else:
            ordered = [{**t, "_position": t["updated_at"]} for t in ordered]
        if "cursor" in request.query:
            after_stamp = self._decode(request.query["cursor"][0])
            remaining = [t for t in ordered if t["_position"] > after_stamp]
        else:
            start = int(request.query.get("start_time", ["0"])[0])
            remaining = [t for t in ordered if t["_position"] >= start]
        page = remaining[: self.page_size]
        last_stamp = page[-1]["_position"] if page else (ordered[-1]["_position"] if ordered else 0)
        page = [{k: v for k, v in t.items() if k != "_position"} for t in page]
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
        if self.sideload_organizations and "organizations" in request.query.get("include", [""])[0]:
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

    def _show_many(self, request: Request) -> Response:
        ids = [int(i) for i in request.query.get("ids", [""])[0].split(",") if i]
        found = [self.organizations[i] for i in ids if i in self.organizations]
        return Response(
            200, {"organizations": found, "next_page": None, "previous_page": None, "count": len(found)}
        )
