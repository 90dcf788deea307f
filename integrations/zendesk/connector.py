"""Zendesk tickets through zenpy's cursor-based incremental export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from zenpy import Zenpy
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded, ZenpyException

from feedback.models import ItemKind, Source
from integrations.records import (
    AccountRef,
    FeedbackRecord,
    Page,
    PermanentError,
    TransientError,
    parse_timestamp,
    require,
)


@dataclass(frozen=True)
class ZendeskSettings:
    subdomain: str
    email: str
    token: str
    page_size: int = 1000


class _RetryAfterRecorder:
    """zenpy sleeps on Retry-After by itself; with a budget of one second it raises instead, and this keeps the value
    so the engine can wait (with its own, injectable sleep) exactly as long as Zendesk asked."""

    def __init__(self) -> None:
        self.last: float | None = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        header = response.headers.get("Retry-After")
        self.last = float(header) if response.status_code == 429 and header else None


class ZendeskTickets:
    vendor = "zendesk"
    stream = "tickets"

    def __init__(self, config: ZendeskSettings, *, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session or requests.Session()
        self.retry_after = _RetryAfterRecorder()
        self.session.hooks["response"].append(self.retry_after)
        self.client = Zenpy(
            subdomain=config.subdomain, email=config.email, token=config.token, session=self.session,
            ratelimit_budget=1, timeout=30,
        )  # fmt: skip
        self._organizations: dict[int, Mapping[str, Any]] = {}

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        return {"start_time": int(since.timestamp()) if since else 0}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        try:
            if cursor.get("after_cursor"):
                result = self.client.tickets.incremental(
                    cursor=cursor["after_cursor"], include=["organizations"], per_page=self.config.page_size
                )
            else:
                result = self.client.tickets.incremental(
                    start_time=int(cursor.get("start_time", 0)),
                    include=["organizations"],
                    per_page=self.config.page_size,
                )
        except RatelimitBudgetExceeded as exc:
            raise TransientError("Zendesk rate limit (429)", retry_after=self.retry_after.last) from exc
        except APIException as exc:
            raise _classify(exc.response, str(exc)) from exc
        except requests.HTTPError as exc:
            raise _classify(exc.response, str(exc)) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"Zendesk unreachable: {exc}") from exc
        except ZenpyException as exc:
            raise PermanentError(f"Zendesk: {exc}") from exc
        body = result._response_json  # the raw page as Zendesk sent it: kept verbatim on each item
        for organization in body.get("organizations") or []:
            self._organizations[organization["id"]] = organization
        tickets = [self._with_body(dict(ticket)) for ticket in body.get("tickets") or []]
        after = body.get("after_cursor") or cursor.get("after_cursor")
        next_cursor = {"after_cursor": after} if after else dict(cursor)
        return Page(records=tickets, cursor_after=next_cursor, done=bool(body.get("end_of_stream")))

    def _with_body(self, ticket: dict[str, Any]) -> dict[str, Any]:
        """Attach the ticket's organization (for account matching, also on a later retry) and, where the description
        is empty, the first public comment: that is what the customer said."""
        organization = self._organizations.get(ticket.get("organization_id"))
        if organization:
            ticket["_organization"] = organization
        if (ticket.get("description") or "").strip() or not ticket.get("id"):
            return ticket
        try:
            for comment in self.client.tickets.comments(ticket=ticket["id"]):
                if comment.public:
                    ticket["first_public_comment"] = comment.plain_body or comment.body
                    break
        except (APIException, ZenpyException, requests.RequestException):
            pass  # the ticket is still worth storing with its subject; the comment comes with the next change
        return ticket

    def map_record(self, raw: Mapping[str, Any]) -> FeedbackRecord:
        ticket_id = require(raw, "id")
        organization = raw.get("_organization") or {}
        domains = organization.get("domain_names") or []
        body = (raw.get("description") or "").strip() or raw.get("first_public_comment") or ""
        rating = raw.get("satisfaction_rating") or {}
        if rating.get("comment"):
            body += f"\n\nSatisfaction ({rating.get('score')}): {rating['comment']}"
        return FeedbackRecord(
            source=Source.ZENDESK,
            external_id=str(ticket_id),
            kind=ItemKind.TICKET,
            occurred_at=parse_timestamp(raw.get("created_at"), field_name="created_at"),
            title=str(raw.get("subject") or "")[:500],
            body=body,
            url=f"https://{self.config.subdomain}.zendesk.com/agent/tickets/{ticket_id}",
            author=str(raw.get("requester_id") or ""),
            account=AccountRef(
                salesforce_id=str(organization.get("external_id") or ""),
                zendesk_org_id=str(raw.get("organization_id") or ""),
                domain=domains[0] if domains else "",
            ),
            raw=raw,
        )


def _classify(response: requests.Response | None, message: str) -> Exception:
    status = response.status_code if response is not None else 0
    if status == 429 or status >= 500:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        return TransientError(
            f"Zendesk {status}: {message[:300]}", retry_after=float(retry_after) if retry_after else None
        )
    return PermanentError(f"Zendesk {status}: {message[:500]}")
