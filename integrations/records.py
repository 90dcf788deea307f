"""Plain data the connectors hand to the engine, and the two kinds of vendor error."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

import orjson


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
    modified_at: datetime | None = (
        None  # the vendor's last-modified time: the newest version of a record wins
    )


@dataclass
class AccountRecord:
    """A CRM account: upserted into Account by its Salesforce id."""

    salesforce_id: str
    name: str
    domain: str = ""
    lifecycle: str = "prospect"
    arr: Decimal | None = None  # None: the CRM did not say (stored as NULL, shown as unknown)
    industry: str = ""
    owner_email: str = ""  # the CRM owner's email: the portal user with that email becomes the account's CSM
    modified_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class OpportunityRecord:
    salesforce_id: str
    account_salesforce_id: str
    name: str
    amount: Decimal | None  # None: the deal has no amount (stored as NULL, left out of sums and thresholds)
    stage: str
    status: str
    close_date: date | None
    opportunity_type: str
    blocking_theme_names: list[str] = field(default_factory=list)
    modified_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class UsageRecord:
    """One account's value of one usage metric on one day."""

    account: AccountRef
    metric: str
    day: date
    value: float
    raw: Mapping[str, Any] = field(default_factory=dict)
    modified_at: datetime | None = None  # usage rows carry none: the last one seen wins


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


class Source(Protocol):
    """What the engine needs to store a vendor's raw records, pulled or pushed, and to replay a rejected one.

    The vendor package is the only place that knows how its records are identified and mapped.
    """

    vendor: str
    stream: str

    def external_id(self, raw: Any) -> str: ...

    def map_record(self, raw: Mapping[str, Any]) -> StoreRecord: ...


class Connector(Source, Protocol):
    """A Source the engine pulls from, page by page, resuming from a cursor."""

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]: ...

    def fetch_page(self, cursor: dict[str, Any]) -> Page: ...


def payload_id(raw: Any) -> str:
    """An id for a record the vendor sent without one: the same payload gets the same id, so a bad record rejected on
    every run stays one reject."""
    body = orjson.dumps(raw, default=str, option=orjson.OPT_SORT_KEYS)
    return "payload:" + hashlib.blake2b(body, digest_size=12).hexdigest()


def record_key(record: StoreRecord) -> tuple[str, ...]:
    """What identifies a stored record across pages of a run (the same key twice is the same row)."""
    if type(record) is FeedbackRecord:  # the common case first: this runs for every ingested record
        return ("feedback", record.source, record.external_id)
    if isinstance(record, AccountRecord):
        return ("account", record.salesforce_id)
    if isinstance(record, OpportunityRecord):
        return ("opportunity", record.salesforce_id)
    return ("usage", *record.account, record.metric, record.day.isoformat())


def newest_wins(
    records: list[StoreRecord], seen: dict[tuple[str, ...], datetime | None]
) -> list[StoreRecord]:
    """Keep one version per record: the newest vendor modification time, or the last seen where there is none.

    `seen` holds what earlier pages of the same run stored; a version older than that one is dropped, whatever the
    order the vendor served the pages in. It is updated with what this page keeps.
    """
    kept: dict[tuple[str, ...], StoreRecord] = {}
    for record in records:
        key = record_key(record)
        earlier = kept.get(key)
        previous = earlier.modified_at if earlier is not None else seen.get(key)
        # Newer, or no time to compare (then the last seen wins); an older version is dropped.
        if previous is None or record.modified_at is None or record.modified_at >= previous:
            kept[key] = record
    for key, record in kept.items():
        seen[key] = record.modified_at
    return list(kept.values())


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
