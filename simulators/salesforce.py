"""Fake Salesforce REST API over TLS (a trustme test CA), as simple-salesforce calls it.

Implements /services/data/vXX.X/query (SOQL reduced to what the connector sends: the object and a SystemModstamp
lower bound, ordered by SystemModstamp), query_more through the path in `nextRecordsUrl`, the `batchSize` of
Sforce-Query-Options, `sobjects/<Object>/deleted/`, the Sforce-Limit-Info header, and session checking: an unknown
session id gets 401 with errorCode INVALID_SESSION_ID as a JSON list, like the real API.
"""

from __future__ import annotations

import csv
import io
import re
import ssl
from datetime import datetime
from typing import Any

import trustme

from simulators.server import FakeServer, Request, Response

API = "/services/data/v59.0"


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))


class FakeSalesforce(FakeServer):
    def __init__(self, ca: trustme.CA, *, page_size: int = 2) -> None:
        super().__init__()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.page_size = page_size
        self.objects: dict[str, list[dict[str, Any]]] = {
            "Account": [], "Opportunity": [], "Task": [], "Note": [], "Case": [], "ContentNote": [],
            "ContentDocumentLink": [],
        }  # fmt: skip
        self.deleted: dict[str, list[dict[str, str]]] = {
            "Task": [],
            "Note": [],
            "Case": [],
            "ContentNote": [],
        }
        self.sessions = {"SESSION-1"}
        self.api_calls = 0
        self._cursors: dict[str, list[dict[str, Any]]] = {}
        self._second = 0
        self.route("GET", f"{API}/query/", self._query_more)
        self.route("GET", f"{API}/query", self._query)
        self.route("GET", f"{API}/sobjects/", self._deleted)
        self.route("POST", f"{API}/jobs/query", self._create_job)
        self.route("GET", f"{API}/jobs/query/", self._job)
        self.jobs: dict[str, list[dict[str, Any]]] = {}

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def add(self, obj: str, **fields: Any) -> dict[str, Any]:
        self._second += 1
        record = {"attributes": {"type": obj, "url": f"{API}/sobjects/{obj}/{fields.get('Id')}"}, **fields}
        record.setdefault(
            "SystemModstamp", f"2026-02-01T10:{self._second // 60:02d}:{self._second % 60:02d}.000+0000"
        )
        self.objects[obj].append(record)
        return record

    def modify(self, obj: str, record_id: str, **changes: Any) -> None:
        self._second += 1
        record = next(r for r in self.objects[obj] if r["Id"] == record_id)
        record.update(
            changes, SystemModstamp=f"2026-02-01T11:{self._second // 60:02d}:{self._second % 60:02d}.000+0000"
        )

    def delete(self, obj: str, record_id: str, when: str) -> None:
        self.objects[obj] = [r for r in self.objects[obj] if r["Id"] != record_id]
        self.deleted[obj].append({"id": record_id, "deletedDate": when})

    def dispatch(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        if request.path.startswith("/services/") and auth.removeprefix("Bearer ") not in self.sessions:
            return Response(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
        response = super().dispatch(request)
        self.api_calls += 1
        response.headers.setdefault("Sforce-Limit-Info", f"api-usage={self.api_calls}/15000")
        return response

    def _batch_size(self, request: Request) -> int:
        options = request.headers.get("Sforce-Query-Options", "")
        match = re.search(r"batchSize=(\d+)", options)
        return int(match.group(1)) if match else self.page_size

    def _query(self, request: Request) -> Response:
        soql = request.query["q"][0]
        match = re.search(r"FROM (\w+)", soql)
        if not match or match.group(1) not in self.objects:
            return Response(
                400, [{"message": f"sObject type is not supported: {soql}", "errorCode": "INVALID_TYPE"}]
            )
        if match.group(1) == "ContentDocumentLink":
            wanted = set(re.findall(r"'([^']+)'", soql))
            links = [r for r in self.objects["ContentDocumentLink"] if r["ContentDocumentId"] in wanted]
            return Response(200, {"totalSize": len(links), "done": True, "records": links})
        rows = sorted(self.objects[match.group(1)], key=lambda r: (_stamp(r["SystemModstamp"]), r["Id"]))
        if "COUNT()" in soql:
            return Response(200, {"totalSize": len(rows), "done": True, "records": []})
        bound = re.search(r"SystemModstamp (>=|>) (\S+)", soql)
        if bound:
            low = _stamp(bound.group(2))
            rows = [
                r
                for r in rows
                if (
                    _stamp(r["SystemModstamp"]) >= low
                    if bound.group(1) == ">="
                    else _stamp(r["SystemModstamp"]) > low
                )
            ]
        return self._page(rows, self._batch_size(request), 0)

    def _page(self, rows: list[dict[str, Any]], size: int, offset: int) -> Response:
        chunk = rows[offset : offset + size]
        body: dict[str, Any] = {"totalSize": len(rows), "done": offset + size >= len(rows), "records": chunk}
        if not body["done"]:
            key = f"01gFAKE{len(self._cursors)}"
            self._cursors[key] = rows
            body["nextRecordsUrl"] = f"{API}/query/{key}-{offset + size}"
        return Response(200, body)

    def _query_more(self, request: Request) -> Response:
        if request.path.rstrip("/").endswith("/query"):
            return self._query(request)  # simple-salesforce sends the first page to .../query/?q=
        key, _, offset = request.path.rsplit("/", 1)[1].partition("-")
        if key not in self._cursors:
            return Response(400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}])
        return self._page(self._cursors[key], self._batch_size(request), int(offset))

    def _deleted(self, request: Request) -> Response:
        match = re.match(rf"{API}/sobjects/(\w+)/deleted/", request.path)
        if not match:
            return Response(404, [{"message": "not found", "errorCode": "NOT_FOUND"}])
        start, end = _stamp(request.query["start"][0]), _stamp(request.query["end"][0])
        rows = [d for d in self.deleted.get(match.group(1), []) if start <= _stamp(d["deletedDate"]) <= end]
        return Response(
            200,
            {
                "deletedRecords": rows,
                "earliestDateAvailable": request.query["start"][0],
                "latestDateCovered": request.query["end"][0],
            },
        )

    # --- Bulk API 2.0 query jobs: results as CSV pages with Sforce-Locator / Sforce-NumberOfRecords --------------

    def _create_job(self, request: Request) -> Response:
        body = request.json()
        obj = re.search(r"FROM (\w+)", body["query"]).group(1)
        job_id = f"750FAKE{len(self.jobs)}"
        self.jobs[job_id] = sorted(self.objects[obj], key=lambda r: (_stamp(r["SystemModstamp"]), r["Id"]))
        self.job_columns = re.search(r"SELECT (.+?) FROM", body["query"]).group(1).split(", ")
        return Response(200, {"id": job_id, "operation": "query", "object": obj, "state": "UploadComplete"})

    def _job(self, request: Request) -> Response:
        parts = request.path.split("/")
        job_id = parts[6]
        if job_id not in self.jobs:
            return Response(404, [{"errorCode": "NOT_FOUND", "message": "job not found"}])
        if not request.path.endswith("/results"):
            return Response(200, {"id": job_id, "state": "JobComplete"})
        rows = self.jobs[job_id]
        size = int(request.query.get("maxRecords", ["50000"])[0])
        offset = int(request.query.get("locator", ["0"])[0] or 0)
        chunk = rows[offset : offset + size]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.job_columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in chunk:
            values = {k: _field(row, k) for k in self.job_columns}
            writer.writerow(
                {
                    k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                    for k, v in values.items()
                }
            )
        more = offset + size < len(rows)
        headers = {
            "Content-Type": "text/csv",
            "Sforce-Locator": str(offset + size) if more else "null",
            "Sforce-NumberOfRecords": str(len(chunk)),
        }
        return Response(200, out.getvalue().encode(), headers)


def _field(record: dict[str, Any], column: str) -> Any:
    """A column of a Bulk API result: a relationship field ("Owner.Email") reads through the related record."""
    value: Any = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
