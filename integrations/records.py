"""Plain data the connectors hand to the engine, and the two kinds of vendor error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol


class TransientError(Exception):
    """Worth retrying: 429, 5xx, timeouts, Salesforce REQUEST_LIMIT_EXCEEDED."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """Not worth retrying: bad credentials, forbidden, not found. The run fails with the vendor's message."""


class Rejected(Exception):
    """One malformed vendor record. It is kept for review; the rest of the page is stored."""


class AccountRef(NamedTuple):
    """Whatever the vendor tells us about the account; the store resolves it to an Account id.

    A NamedTuple because every ingested record is hashed by it, and tuples hash in C.
    """

    salesforce_id: str = ""
    zendesk_org_id: str = ""
    domain: str = ""


@dataclass
class FeedbackRecord:
    source: str
    external_id: str
    kind: str
    occurred_at: datetime
    title: str = ""
    body: str = ""
    url: str = ""
    author: str = ""
    account: AccountRef = field(default_factory=AccountRef)
    opportunity_salesforce_id: str = ""
    nps_score: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class AccountRecord:
    """A CRM account: upserted into Account by its Salesforce id."""

    salesforce_id: str
    name: str
    domain: str = ""
    lifecycle: str = "prospect"
    arr: Decimal = Decimal(0)
    industry: str = ""
    owner_email: str = ""  # the CRM owner's email: the portal user with that email becomes the account's CSM


@dataclass
class OpportunityRecord:
    salesforce_id: str
    account_salesforce_id: str
    name: str
    amount: Decimal
    stage: str
    status: str
    close_date: date | None
    opportunity_type: str
    blocking_theme_names: list[str] = field(default_factory=list)


@dataclass
class UsageRecord:
    """One account's value of one usage metric on one day."""

    account: AccountRef
    metric: str
    day: date
    value: float


StoreRecord = FeedbackRecord | AccountRecord | OpportunityRecord | UsageRecord


@dataclass
class Page:
    """One vendor response: its raw records, the cursor to resume after it, and whether the stream is exhausted.

    `deleted` lists external ids the vendor reports deleted since the last run (their items leave the store).
    """

    records: list[Mapping[str, Any]]
    cursor_after: dict[str, Any]
    done: bool
    deleted: list[str] = field(default_factory=list)


class Connector(Protocol):
    vendor: str
    stream: str

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]: ...

    def fetch_page(self, cursor: dict[str, Any]) -> Page: ...

    def map_record(self, raw: Mapping[str, Any]) -> StoreRecord: ...


def parse_timestamp(value: Any, *, field_name: str) -> datetime:
    """ISO-8601 strings (with Z or offset) and unix epoch seconds, as vendors send both. Naive means UTC."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value, field_name)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return _from_epoch(int(text[:20]), field_name)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise Rejected(f"{field_name} is not a date: {value!r}") from exc
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise Rejected(f"{field_name} is missing")


def _from_epoch(seconds: float, field_name: str) -> datetime:
    # 1e300, NaN and inf are numbers JSON (or Python's parser) lets through, but no date.
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise Rejected(f"{field_name} is not a date: {seconds!r}") from exc


def require(raw: Mapping[str, Any], key: str) -> Any:
    value = raw.get(key)
    if value is None or value == "":
        raise Rejected(f"{key} is missing")
    return value
