"""Zendesk tickets through zenpy's cursor-based incremental export.

Deleted tickets come in the export with status "deleted": they leave the store. A ticket's organization comes from
the export's sideload, or, when the sideload lacks it, from organizations/show_many (batched, remembered for the run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from zenpy import Zenpy
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded, ZenpyException

from feedback.models import ItemKind, Source
from integrations.http import (
    TimeoutSession,
    error_for_status,
    parse_retry_after,
    timeout_seconds,
    unreachable,
)
from integrations.records import (
    AccountRef,
    FeedbackRecord,
    Page,
    PermanentError,
    Rejected,
    TransientError,
    parse_timestamp,
    require,
)

SHOW_MANY_BATCH = 100  # organizations/show_many takes at most 100 ids


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
        self.limited = False

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        header = response.headers.get("Retry-After")
        self.last = parse_retry_after(header) if response.status_code == 429 else None
        self.limited = response.status_code == 429


class ZendeskTickets:
    vendor = "zendesk"
    stream = "tickets"

    def __init__(self, config: ZendeskSettings, *, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session or TimeoutSession()
        self.retry_after = _RetryAfterRecorder()
        self.session.hooks["response"].append(self.retry_after)
        self.client = Zenpy(
            subdomain=config.subdomain, email=config.email, token=config.token, session=self.session,
            ratelimit_budget=1, timeout=timeout_seconds(),
        )  # fmt: skip
        self._organizations: dict[int, Mapping[str, Any] | None] = {}  # None: asked for, Zendesk has none

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        return {"start_time": int(since.timestamp()) if since else 0}

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        if cursor.get("after_cursor"):
            body = self._zendesk(
                lambda: self.client.tickets.incremental(
                    cursor=cursor["after_cursor"], include=["organizations"], per_page=self.config.page_size
                )
            )._response_json  # the raw page as Zendesk sent it: kept verbatim on each item
        else:
            body = self._zendesk(
                lambda: self.client.tickets.incremental(
                    start_time=int(cursor.get("start_time", 0)), include=["organizations"],
                    per_page=self.config.page_size,
                )
            )._response_json  # fmt: skip
        for organization in body.get("organizations") or []:
            self._organizations[organization["id"]] = organization
        live, deleted = [], []
        for ticket in body.get("tickets") or []:
            (deleted if ticket.get("status") == "deleted" else live).append(dict(ticket))
        self._fetch_missing_organizations(live)
        tickets = [self._with_body(ticket) for ticket in live]
        after = body.get("after_cursor") or cursor.get("after_cursor")
        next_cursor = {"after_cursor": after} if after else dict(cursor)
        return Page(
            records=tickets, cursor_after=next_cursor, done=bool(body.get("end_of_stream")),
            deleted=[str(t["id"]) for t in deleted if t.get("id") is not None],
        )  # fmt: skip

    def _zendesk(self, request: Any) -> Any:
        """One zenpy call, its failures in the shared layer's terms."""
        try:
            return request()
        except RatelimitBudgetExceeded as exc:
            raise TransientError("Zendesk rate limit (429)", retry_after=self.retry_after.last) from exc
        except APIException as exc:
            raise _classify(exc.response, str(exc)) from exc
        except requests.HTTPError as exc:
            raise _classify(exc.response, str(exc)) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise unreachable("Zendesk", exc) from exc
        except ZenpyException as exc:
            raise PermanentError(f"Zendesk: {exc}") from exc
        except ValueError as exc:
            if (
                self.retry_after.limited
            ):  # zenpy reads Retry-After as whole seconds; an HTTP date makes it raise
                raise TransientError("Zendesk rate limit (429)", retry_after=self.retry_after.last) from exc
            raise

    def _fetch_missing_organizations(self, tickets: list[dict[str, Any]]) -> None:
        """Organizations the sideload did not carry, asked for in batches and remembered for the rest of the run."""
        missing = sorted(
            {t["organization_id"] for t in tickets if t.get("organization_id")} - self._organizations.keys()
        )
        for start in range(0, len(missing), SHOW_MANY_BATCH):
            batch = missing[start : start + SHOW_MANY_BATCH]
            found = self._zendesk(lambda b=batch: [o.to_dict() for o in self.client.organizations(ids=b)])
            for organization in found:
                self._organizations[organization["id"]] = organization
            for organization_id in batch:
                self._organizations.setdefault(organization_id, None)

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

    def external_id(self, raw: Mapping[str, Any]) -> str:
        return str(raw.get("id") or "")

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
            modified_at=_updated_at(raw),
        )


def _updated_at(raw: Mapping[str, Any]) -> Any:
    if raw.get("updated_at") is None:
        return None
    try:
        return parse_timestamp(raw.get("updated_at"), field_name="updated_at")
    except Rejected:
        return None


def _classify(response: requests.Response | None, message: str) -> Exception:
    status = response.status_code if response is not None else 0
    headers = response.headers if response is not None else {}
    return error_for_status("Zendesk", status, message, headers)
