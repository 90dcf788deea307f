"""The one sync engine every connector runs through.

fetch a page since the cursor → map each record (rejects kept with their reason) → upsert → save the cursor in the same
transaction as the batch it covers → enqueue theme tagging. Transient vendor errors are retried with backoff that
honours Retry-After; permanent ones fail the run with the vendor's message. One run per connection at a time.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from integrations import tagging
from integrations.crm_store import delete_items, upsert_accounts, upsert_opportunities, upsert_usage
from integrations.models import Connection, RejectedRecord, RunStatus, SyncRun
from integrations.pipeline import OrderedWriter, WaitTurn
from integrations.records import (
    AccountRecord,
    Connector,
    FeedbackRecord,
    OpportunityRecord,
    Page,
    PermanentError,
    Rejected,
    StoreRecord,
    TransientError,
    UsageRecord,
)
from integrations.store import PreparedFeedback, RunCache, prepare_feedback, upsert_feedback, write_feedback

log = logging.getLogger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], None]


@dataclass
class RetryPolicy:
    attempts: int = 5
    base_seconds: float = 2.0
    cap_seconds: float = 120.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after  # the vendor said when: no sooner, and no need to wait longer
        backoff = min(self.cap_seconds, self.base_seconds * 2**attempt)
        return backoff * (0.5 + self.rng.random() / 2)  # jitter so many workers do not retry in step


class AlreadyRunning(Exception):
    pass


def call_with_retries(
    fetch: Callable[[], T], *, policy: RetryPolicy, sleep: Sleep, on_retry: Callable[[], None]
) -> T:
    for attempt in range(policy.attempts):
        try:
            return fetch()
        except TransientError as exc:
            if attempt == policy.attempts - 1:
                raise TransientError(f"gave up after {policy.attempts} attempts: {exc}") from exc
            wait = policy.delay(attempt, exc.retry_after)
            log.warning("transient vendor error (%s); retrying in %.1fs", exc, wait)
            on_retry()
            sleep(wait)
    raise AssertionError("unreachable")


def lock_key(conn: Connection) -> int:
    return int.from_bytes(
        hashlib.blake2b(f"sync:{conn.pk}".encode(), digest_size=8).digest(), "big", signed=True
    )


@contextmanager
def connection_lock(conn: Connection) -> Iterator[None]:
    """At most one run per connection: a PostgreSQL session advisory lock, released even if the worker dies."""
    key = lock_key(conn)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            raise AlreadyRunning(f"{conn} is already syncing")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def get_connection(vendor: str, stream: str) -> Connection:
    conn, _ = Connection.objects.get_or_create(vendor=vendor, stream=stream)
    return conn


@dataclass
class PreparedPage:
    page: Page
    crm: list[StoreRecord]  # accounts, deals and usage rows: written as they are
    feedback: PreparedFeedback
    rejects: list[tuple[str, str, Any]]


def _prepare_page(connector: Connector, page: Page, cache: RunCache) -> PreparedPage:
    records, rejects = _map_page(connector, page)
    feedback = [r for r in records if isinstance(r, FeedbackRecord)]
    crm = [r for r in records if not isinstance(r, FeedbackRecord)]
    return PreparedPage(page, crm, prepare_feedback(feedback, cache=cache), rejects)


def store_mixed(
    records: list[StoreRecord], feedback: PreparedFeedback, source: str, deleted: list[str]
) -> tuple[int, int, list[int], list[tuple[str, str, Any]]]:
    """Accounts first, then deals, then feedback (which points at both); deletions last."""
    accounts = [r for r in records if isinstance(r, AccountRecord)]
    deals = [r for r in records if isinstance(r, OpportunityRecord)]
    created, updated = upsert_accounts(accounts) if accounts else (0, 0)
    deal_rejects: list[tuple[str, str, Any]] = []
    if deals:
        deals_created, deals_updated, rejected = upsert_opportunities(deals)
        created, updated = created + deals_created, updated + deals_updated
        deal_rejects = [(r.salesforce_id, reason, _record_raw(r)) for r, reason in rejected]
    usage = [r for r in records if isinstance(r, UsageRecord)]
    if usage:
        usage_created, usage_updated, rejected_usage = upsert_usage(usage)
        created, updated = created + usage_created, updated + usage_updated
        deal_rejects += [(f"{r.metric}@{r.day}", reason, _record_raw(r)) for r, reason in rejected_usage]
    items_created, items_updated, changed_ids = write_feedback(feedback)
    delete_items(source, deleted)
    return created + items_created, updated + items_updated, changed_ids, deal_rejects


def _record_raw(record: Any) -> dict[str, Any]:
    return {k: str(v) if v is not None else None for k, v in vars(record).items()}


def _map_page(connector: Connector, page: Page) -> tuple[list[StoreRecord], list[tuple[str, str, Any]]]:
    good, bad = [], []
    for raw in page.records:
        try:
            good.append(connector.map_record(raw))
        except Rejected as exc:
            external_id = str(raw.get("id") or raw.get("Id") or "") if hasattr(raw, "get") else ""
            bad.append((external_id, str(exc), raw))
    return good, bad


def _commit_page(
    conn: Connection, run: SyncRun, vendor: str, prepared: PreparedPage, wait_turn: WaitTurn
) -> None:
    page = prepared.page
    with transaction.atomic():
        created, updated, changed_ids, crm_rejects = store_mixed(
            prepared.crm, prepared.feedback, vendor, page.deleted
        )
        # The cursor moves only together with the rows it covers, and only after every earlier page has committed:
        # a crash before this commit replays the page.
        wait_turn()
        rejects = prepared.rejects + crm_rejects
        keep_rejects(conn, run, rejects)
        Connection.objects.filter(pk=conn.pk).update(
            cursor=page.cursor_after, records_stored=F("records_stored") + created
        )
        SyncRun.objects.filter(pk=run.pk).update(
            fetched=F("fetched") + len(page.records), created=F("created") + created,
            updated=F("updated") + updated, rejected=F("rejected") + len(rejects), cursor_after=page.cursor_after,
        )  # fmt: skip
        tagging.enqueue_tagging(changed_ids)


def keep_rejects(conn: Connection, run: SyncRun, rejects: list[tuple[str, str, Any]]) -> None:
    """Keep each rejected record once: a record rejected again on the next run refreshes the open entry."""
    open_ids = set(
        RejectedRecord.objects.filter(
            connection=conn,
            resolved_at__isnull=True,
            external_id__in=[eid[:128] for eid, _r, _raw in rejects if eid],
        ).values_list("external_id", flat=True)
    )
    fresh = []
    for eid, reason, raw in rejects:
        if eid and eid[:128] in open_ids:
            RejectedRecord.objects.filter(
                connection=conn, external_id=eid[:128], resolved_at__isnull=True
            ).update(run=run, reason=reason, raw=_jsonable(raw))
        else:
            fresh.append(
                RejectedRecord(
                    connection=conn, run=run, external_id=eid[:128], reason=reason, raw=_jsonable(raw)
                )
            )
    RejectedRecord.objects.bulk_create(fresh)


def _jsonable(raw: Any) -> Any:
    return raw if isinstance(raw, dict | list) else {"value": str(raw)}


def run_sync(
    connector: Connector,
    *,
    trigger: str = "schedule",
    full: bool = False,
    since: datetime | None = None,
    sleep: Sleep = time.sleep,
    policy: RetryPolicy | None = None,
    progress: Callable[[int], None] | None = None,
    writers: int | None = None,
) -> SyncRun:
    """Run one sync of a connector to the end of its stream. Returns the finished SyncRun.

    `writers` (default: the INGEST_WRITERS setting) is how many writer threads store
    pages side by side while the next page is fetched and prepared; they commit in page order.
    """
    conn = get_connection(connector.vendor, connector.stream)
    policy = policy or RetryPolicy()
    if full or since is not None or not conn.cursor:
        Connection.objects.filter(pk=conn.pk).update(cursor=connector.initial_cursor(since=since))
        conn.refresh_from_db()
    run = SyncRun.objects.create(
        connection=conn, trigger=trigger, cursor_before=conn.cursor, cursor_after=conn.cursor
    )
    if writers is None:
        writers = settings.INGEST_WRITERS
    try:
        with connection_lock(conn):
            writer = OrderedWriter(workers=writers)
            try:
                _pull(connector, conn, run, writer, policy=policy, sleep=sleep, progress=progress)
            finally:
                writer.close()  # the write in flight finishes (or raises) before the run is finished
    except AlreadyRunning as exc:
        return _finish(run, RunStatus.SKIPPED, str(exc))
    except (PermanentError, TransientError) as exc:
        return _finish(run, RunStatus.FAILED, str(exc))
    return _finish(run, RunStatus.SUCCEEDED, "")


def _pull(
    connector: Connector, conn: Connection, run: SyncRun, writer: OrderedWriter, *, policy: RetryPolicy,
    sleep: Sleep, progress: Callable[[int], None] | None,
) -> None:  # fmt: skip
    cursor = conn.cursor
    cache = RunCache()  # account references and segment snapshots, resolved once per run
    recent_keys: deque[set[tuple[str, str]]] = deque(maxlen=max(writer.workers - 1, 0))
    while True:
        page = call_with_retries(
            lambda c=cursor: connector.fetch_page(c),
            policy=policy,
            sleep=sleep,
            on_retry=lambda: SyncRun.objects.filter(pk=run.pk).update(retries=F("retries") + 1),
        )
        prepared = _prepare_page(connector, page, cache)
        keys = set(prepared.feedback.keys)
        # A page that writes accounts, deletes, or touches a record a page still in flight also touches, must see
        # that page's rows: it waits for its turn before writing anything.
        serial = bool(prepared.crm or page.deleted or any(keys & earlier for earlier in recent_keys))
        writer.submit(
            lambda wait_turn, p=prepared: _commit_page(conn, run, connector.vendor, p, wait_turn),
            serial=serial,
        )
        recent_keys.append(keys)
        if prepared.crm:
            writer.drain()  # accounts and deals must be stored before later pages are matched against them
        if progress:
            progress(len(page.records))
        cursor = page.cursor_after
        if page.done:
            return


def _finish(run: SyncRun, status: str, error: str) -> SyncRun:
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=now)
    if status == RunStatus.SUCCEEDED:
        Connection.objects.filter(pk=run.connection_id).update(last_success_at=now)
    elif status == RunStatus.FAILED:
        Connection.objects.filter(pk=run.connection_id).update(last_failure_at=now, last_error=error)
    run.refresh_from_db()
    return run


def record_push(
    vendor: str, stream: str, *, trigger: str, fetched: int, rejects: list[tuple[str, str, Any]],
    write: Callable[[], tuple[int, int, list[int]]],
) -> SyncRun:  # fmt: skip
    """Pushed data (webhook, CSV upload) is written by `write` and shows up as a run, its rejects kept for review."""
    conn = get_connection(vendor, stream)
    run = SyncRun.objects.create(connection=conn, trigger=trigger)
    with transaction.atomic():
        created, updated, changed_ids = write()
        keep_rejects(conn, run, rejects)
        Connection.objects.filter(pk=conn.pk).update(records_stored=F("records_stored") + created)
        SyncRun.objects.filter(pk=run.pk).update(
            fetched=fetched, created=created, updated=updated, rejected=len(rejects)
        )
        tagging.enqueue_tagging(changed_ids)
    return _finish(run, RunStatus.SUCCEEDED, "")


def store_records(
    vendor: str,
    stream: str,
    records: list[FeedbackRecord],
    rejects: list[tuple[str, str, Any]],
    *,
    trigger: str,
) -> SyncRun:
    return record_push(
        vendor, stream, trigger=trigger, fetched=len(records) + len(rejects), rejects=rejects,
        write=lambda: upsert_feedback(records),
    )  # fmt: skip
