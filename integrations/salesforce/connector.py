"""Salesforce through simple-salesforce: accounts, opportunities, and the notes and tasks that become feedback.

Each object is read incrementally on SystemModstamp, one API page at a time (query, then query_more on
nextRecordsUrl: the same calls query_all_iter makes, but with a commit point after every page). Deleted notes and
tasks are removed from the store. Expired sessions get a new client; REQUEST_LIMIT_EXCEEDED (a 403) is transient.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)

from feedback.models import ItemKind, Lifecycle, OpportunityStatus, OpportunityType, Source
from integrations.records import (
    AccountRecord,
    AccountRef,
    FeedbackRecord,
    OpportunityRecord,
    Page,
    PermanentError,
    Rejected,
    StoreRecord,
    TransientError,
    parse_timestamp,
    require,
)

EPOCH = "1970-01-01T00:00:00Z"
FEEDBACK_OBJECTS = ("Task", "Note", "Case", "ContentNote")


class SalesforceObjects:
    vendor = "salesforce"
    stream = "objects"

    def __init__(
        self,
        client_factory: Callable[[], Salesforce],
        *,
        blocked_feature_field: str = "Blocked_By_Feature__c",
        arr_field: str = "AnnualRevenue",
        now: Callable[[], datetime] | None = None,
        bulk_threshold: int = 50_000,
        bulk_page_size: int = 50_000,
        bulk_poll_seconds: float = 2.0,
    ) -> None:
        self.client_factory = client_factory
        self.bulk_threshold = bulk_threshold
        self.bulk_page_size = bulk_page_size
        self.bulk_poll_seconds = bulk_poll_seconds
        self.client = client_factory()
        self._fresh_login = False  # set after a re-login until a request succeeds
        self.blocked_feature_field = blocked_feature_field
        self.arr_field = arr_field
        self.now = now or (lambda: datetime.now(UTC))
        self.queries = {
            "Account": f"SELECT Id, Name, Website, Type, {arr_field}, Industry, OwnerId, Owner.Email, "
            "SystemModstamp FROM Account",
            "Opportunity": "SELECT Id, AccountId, Name, Amount, StageName, IsClosed, IsWon, CloseDate, Type, "
            f"Probability, {blocked_feature_field}, SystemModstamp FROM Opportunity",
            "Task": "SELECT Id, Subject, Description, WhatId, AccountId, CreatedDate, SystemModstamp FROM Task",
            "Note": "SELECT Id, Title, Body, ParentId, CreatedDate, SystemModstamp FROM Note",
            "Case": "SELECT Id, Subject, Description, AccountId, CreatedDate, SystemModstamp FROM Case",
            "ContentNote": "SELECT Id, Title, TextPreview, CreatedDate, SystemModstamp FROM ContentNote",
        }
        self.order = list(self.queries)

    def initial_cursor(self, *, since: datetime | None) -> dict[str, Any]:
        start = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if since else EPOCH
        return {"since": dict.fromkeys(self.order, start), "object": self.order[0], "next": None,
                "deleted_since": (since or self.now() - timedelta(days=29)).isoformat()}  # fmt: skip

    def fetch_page(self, cursor: dict[str, Any]) -> Page:
        cursor = {**cursor, "since": dict(cursor["since"])}
        obj = cursor.get("object")
        if obj is None:
            return self._deletions(cursor)
        if cursor.get("bulk_job") or (not cursor.get("next") and self._wants_bulk(obj, cursor)):
            return self._bulk_page(obj, cursor)
        result = self._call(lambda: self._query(obj, cursor))
        records = [self._tag(obj, r) for r in result.get("records") or []]
        if obj == "ContentNote" and records:
            self._attach_links(records)
        more = bool(result.get("nextRecordsUrl")) and not result.get("done", True)
        return self._advance(obj, cursor, records, next_url=result["nextRecordsUrl"] if more else None)

    def _advance(
        self, obj: str, cursor: dict[str, Any], records: list[dict[str, Any]], *, next_url: str | None
    ) -> Page:
        stamps = [r.get("SystemModstamp") for r in records if r.get("SystemModstamp")]
        if stamps:
            cursor["since"][obj] = max(stamps)
        cursor["next"] = next_url
        if next_url is None and not cursor.get("bulk_job"):
            position = self.order.index(obj)
            cursor["object"] = self.order[position + 1] if position + 1 < len(self.order) else None
        return Page(records=records, cursor_after=cursor, done=False)

    def _attach_links(self, notes: list[dict[str, Any]]) -> None:
        """A ContentNote hangs off records through ContentDocumentLink; keep the account or deal it is linked to."""
        ids = [note["Id"] for note in notes]
        soql = format_soql(
            "SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId IN {}",
            ids,
        )
        links = self._call(lambda: self.client.query(soql)).get("records") or []
        parents: dict[str, str] = {}
        for link in links:
            entity = str(link.get("LinkedEntityId") or "")
            if entity.startswith(("001", "006")):
                parents.setdefault(link["ContentDocumentId"], entity)
        for note in notes:
            note["ParentId"] = parents.get(note["Id"], "")

    def _wants_bulk(self, obj: str, cursor: dict[str, Any]) -> bool:
        """A backfill (from the beginning) of a big object goes through Bulk API 2.0 instead of REST pages."""
        if cursor["since"][obj] != EPOCH:
            return False
        total = self._call(lambda: self.client.query(f"SELECT COUNT() FROM {obj}"))
        return int(total.get("totalSize") or 0) > self.bulk_threshold

    def _bulk_page(self, obj: str, cursor: dict[str, Any]) -> Page:
        bulk = getattr(
            self.client.bulk2, obj
        )._client  # the job-level calls, so each result page is a commit point
        if not cursor.get("bulk_job"):
            job = self._call(lambda: bulk.create_job("query", self.queries[obj] + " ORDER BY SystemModstamp"))
            cursor["bulk_job"], cursor["locator"] = job["id"], ""
        self._call(lambda: bulk.wait_for_job(cursor["bulk_job"], True, self.bulk_poll_seconds))
        result = self._call(
            lambda: bulk.get_query_results(cursor["bulk_job"], cursor.get("locator", ""), self.bulk_page_size)
        )
        records = [self._tag(obj, _from_csv(row)) for row in csv.DictReader(io.StringIO(result["records"]))]
        if result["locator"]:
            cursor["locator"] = result["locator"]
            return self._advance(obj, cursor, records, next_url=None)
        cursor.pop("bulk_job", None)
        cursor.pop("locator", None)
        return self._advance(obj, cursor, records, next_url=None)

    def _query(self, obj: str, cursor: dict[str, Any]) -> dict[str, Any]:
        if cursor.get("next"):
            return self.client.query_more(cursor["next"], identifier_is_url=True)
        # >= rather than >: records sharing the last stamp may sit on a page a crash never reached; the upsert makes
        # seeing the boundary record again harmless.
        since = datetime.fromisoformat(cursor["since"][obj].replace("Z", "+00:00"))
        soql = format_soql(self.queries[obj] + " WHERE SystemModstamp >= {} ORDER BY SystemModstamp", since)
        return self.client.query(soql)

    def _deletions(self, cursor: dict[str, Any]) -> Page:
        start = datetime.fromisoformat(cursor["deleted_since"])
        end = self.now()
        deleted: list[str] = []
        for obj in FEEDBACK_OBJECTS:
            result = self._call(lambda o=obj: getattr(self.client, o).deleted(start, end))
            deleted += [row["id"] for row in result.get("deletedRecords") or []]
        next_cursor = {**cursor, "object": self.order[0], "next": None, "deleted_since": end.isoformat()}
        return Page(records=[], cursor_after=next_cursor, done=True, deleted=deleted)

    def _call(self, request: Callable[[], Any]) -> Any:
        try:
            result = request()
        except SalesforceExpiredSession as exc:
            if self._fresh_login:  # refused right after logging in (a revoked user, an expired access token)
                raise PermanentError(f"Salesforce refused the session: {_message(exc.content)}") from exc
            self.client = self.client_factory()  # log in again; the engine retries the page at once
            self._fresh_login = True
            raise TransientError("Salesforce session expired; logged in again", retry_after=0) from exc
        except SalesforceRefusedRequest as exc:
            code = _error_code(exc.content)
            if code == "REQUEST_LIMIT_EXCEEDED":
                raise TransientError(
                    f"Salesforce API limit reached ({_message(exc.content)})", retry_after=None
                ) from exc
            raise PermanentError(f"Salesforce refused the request: {code}: {_message(exc.content)}") from exc
        except SalesforceGeneralError as exc:
            if exc.status >= 500:
                raise TransientError(f"Salesforce {exc.status}: {_message(exc.content)}") from exc
            raise PermanentError(f"Salesforce {exc.status}: {_message(exc.content)}") from exc
        except SalesforceError as exc:
            raise PermanentError(f"Salesforce {exc.status}: {_message(exc.content)}") from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"Salesforce unreachable: {exc}") from exc
        self._fresh_login = False
        return result

    @staticmethod
    def _tag(obj: str, record: Mapping[str, Any]) -> dict[str, Any]:
        tagged = dict(record)
        tagged.setdefault("attributes", {})
        tagged["attributes"] = {**tagged["attributes"], "type": obj}
        return tagged

    def map_record(self, raw: Mapping[str, Any]) -> StoreRecord:
        obj = (raw.get("attributes") or {}).get("type")
        if obj == "Account":
            return self._account(raw)
        if obj == "Opportunity":
            return self._opportunity(raw)
        if obj in FEEDBACK_OBJECTS:
            return self._feedback(obj, raw)
        raise Rejected(f"unexpected Salesforce object {obj!r}")

    def _account(self, raw: Mapping[str, Any]) -> AccountRecord:
        kind = str(raw.get("Type") or "").lower()
        lifecycle = Lifecycle.CHURNED if "former" in kind or "churn" in kind else (
            Lifecycle.CUSTOMER if "customer" in kind else Lifecycle.PROSPECT)  # fmt: skip
        website = str(raw.get("Website") or "")
        domain = website.split("//")[-1].split("/")[0].removeprefix("www.").lower()
        return AccountRecord(
            salesforce_id=str(require(raw, "Id")), name=str(require(raw, "Name"))[:255], domain=domain,
            lifecycle=lifecycle, arr=_money(raw.get(self.arr_field), "ARR"), industry=str(raw.get("Industry") or "")[:64],
            owner_email=_owner_email(raw),
        )  # fmt: skip

    def _opportunity(self, raw: Mapping[str, Any]) -> OpportunityRecord:
        closed, won = _truthy(raw.get("IsClosed")), _truthy(raw.get("IsWon"))
        status = (
            OpportunityStatus.WON if won else (OpportunityStatus.LOST if closed else OpportunityStatus.OPEN)
        )
        kind = str(raw.get("Type") or "").lower()
        opportunity_type = OpportunityType.RENEWAL if "renewal" in kind else (
            OpportunityType.EXPANSION if "existing" in kind or "upsell" in kind or "expansion" in kind else OpportunityType.NEW)  # fmt: skip
        close = raw.get("CloseDate")
        try:
            close_date = date.fromisoformat(close) if close else None
        except ValueError as exc:
            raise Rejected(f"CloseDate is not a date: {close!r}") from exc
        blocked = str(raw.get(self.blocked_feature_field) or "")
        return OpportunityRecord(
            salesforce_id=str(require(raw, "Id")), account_salesforce_id=str(raw.get("AccountId") or ""),
            name=str(raw.get("Name") or "")[:255], amount=_money(raw.get("Amount"), "Amount"),
            stage=str(raw.get("StageName") or "")[:64], status=status, close_date=close_date,
            opportunity_type=opportunity_type, blocking_theme_names=[n for n in blocked.split(";") if n.strip()],
        )  # fmt: skip

    def _feedback(self, obj: str, raw: Mapping[str, Any]) -> FeedbackRecord:
        record_id = str(require(raw, "Id"))
        parent = str(raw.get("WhatId") or raw.get("ParentId") or "")
        account = str(raw.get("AccountId") or (parent if parent.startswith("001") else ""))
        title = raw.get("Subject") if obj in ("Task", "Case") else raw.get("Title")
        body = {"Task": raw.get("Description"), "Case": raw.get("Description"), "Note": raw.get("Body")}.get(
            obj, raw.get("TextPreview")
        )
        return FeedbackRecord(
            source=Source.SALESFORCE, external_id=record_id, kind=ItemKind.TICKET if obj == "Case" else ItemKind.NOTE,
            occurred_at=parse_timestamp(raw.get("CreatedDate"), field_name="CreatedDate"),
            title=str(title or obj)[:500], body=str(body or ""),
            url=f"https://{self.client.sf_instance}/{record_id}", account=AccountRef(salesforce_id=account),
            opportunity_salesforce_id=parent if parent.startswith("006") else "", raw=raw,
        )  # fmt: skip


def _truthy(value: Any) -> bool:
    """REST sends booleans; Bulk API CSV sends "true" / "false"."""
    return value is True or str(value).lower() == "true"


def _owner_email(raw: Mapping[str, Any]) -> str:
    """`Owner.Email`: REST nests a relationship field ({"Owner": {"Email": ...}}), Bulk API CSV names a column."""
    owner = raw.get("Owner")
    email = owner.get("Email") if isinstance(owner, Mapping) else raw.get("Owner.Email")
    return str(email or "").strip().lower()


def _from_csv(row: dict[str, str]) -> dict[str, Any]:
    """Bulk API CSV has no nulls, only empty strings: read those as missing, like REST's null."""
    return {key: (value if value != "" else None) for key, value in row.items()}


def _money(value: Any, name: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise Rejected(f"{name} is not a number: {value!r}") from exc
    if amount < 0:
        raise Rejected(f"{name} is negative: {value!r}")
    return amount


def _error_code(content: Any) -> str:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode") or "")
    return ""


def _message(content: Any) -> str:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return f"{content[0].get('errorCode', '')}: {content[0].get('message', '')}"
    return str(content)[:300]
