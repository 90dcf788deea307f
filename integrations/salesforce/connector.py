"""Salesforce through simple-salesforce: accounts, opportunities, and the notes and tasks that become feedback.

Each object is read incrementally on SystemModstamp, one API page at a time (query, then query_more on
nextRecordsUrl: the same calls query_all_iter makes, but with a commit point after every page). Deleted notes and
tasks are removed from the store. Expired sessions get a new client; REQUEST_LIMIT_EXCEEDED (a 403) is transient.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from integrations.records import Page, PermanentError, StoreRecord, TransientError
from integrations.salesforce.errors import classify, message
from integrations.salesforce.mapping import FEEDBACK_OBJECTS, from_csv, map_record

EPOCH = "1970-01-01T00:00:00Z"


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
        records = [self._tag(obj, from_csv(row)) for row in csv.DictReader(io.StringIO(result["records"]))]
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
                raise PermanentError(f"Salesforce refused the session: {message(exc.content)}") from exc
            self.client = self.client_factory()  # log in again; the engine retries the page at once
            self._fresh_login = True
            raise TransientError("Salesforce session expired; logged in again", retry_after=0) from exc
        except (SalesforceError, requests.RequestException) as exc:
            error = classify(exc)
            if error is None:
                raise
            raise error from exc
        self._fresh_login = False
        return result

    @staticmethod
    def _tag(obj: str, record: Mapping[str, Any]) -> dict[str, Any]:
        tagged = dict(record)
        tagged.setdefault("attributes", {})
        tagged["attributes"] = {**tagged["attributes"], "type": obj}
        return tagged

    def external_id(self, raw: Mapping[str, Any]) -> str:
        return str(raw.get("Id") or "")

    def map_record(self, raw: Mapping[str, Any]) -> StoreRecord:
        return map_record(
            raw, blocked_feature_field=self.blocked_feature_field, arr_field=self.arr_field,
            instance=self.client.sf_instance,
        )  # fmt: skip
