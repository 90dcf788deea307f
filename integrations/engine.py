"""The one sync engine every connector runs through.

fetch a page since the cursor → map each record (rejects kept with their reason and payload) → keep the newest
version of each record → store (integrations.store) → save the cursor in the same transaction as the batch it covers
→ enqueue theme tagging. Transient vendor errors are retried with backoff that honours Retry-After; permanent ones
fail the run with the vendor's message; anything else fails it and is raised again. One run per connection at a time.
The engine knows no vendor: ids and mappings come from the connector (integrations.records.Source).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations import tagging
from integrations.models import Connection, RejectedRecord, RunStatus, SyncRun
from integrations.pipeline import OrderedWriter, WaitTurn
from integrations.records import (
    Connector,
    FeedbackRecord,
    Page,
    PermanentError,
    Rejected,
    Source,
    StoreRecord,
    TransientError,
    newest_wins,
    payload_id,
)
from integrations.rejects import Reject, close_rejects, keep_rejects, open_reject_ids
from integrations.store import PreparedFeedback, RunCache, prepare_feedback, store_batch

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
    rejects: list[Reject]
    # The external ids of the records that mapped: once stored, their open rejects close.
    mapped_ids: list[str]
    deleted: list[str]


@dataclass
class RunState:
    """What one run carries from page to page."""

    # Account references and segment snapshots, resolved once per run.
    cache: RunCache = field(default_factory=RunCache)
    # The vendor modification time of the version of each record stored so far (newest_wins).
    seen: dict[tuple[str, ...], datetime | None] = field(default_factory=dict)
    # The connection's open rejects, so a page that stores one of those records closes it.
    open_rejects: set[str] = field(default_factory=set)


def prepare_page(source: Source, page: Page, state: RunState) -> PreparedPage:
    records, mapped_ids, rejects = _map_page(source, page)
    deleted = set(page.deleted)
    records = newest_wins(records, state.seen)
    feedback = [r for r in records if isinstance(r, FeedbackRecord) and r.external_id not in deleted]
    crm = [r for r in records if not isinstance(r, FeedbackRecord)]
    return PreparedPage(
        page, crm, prepare_feedback(feedback, cache=state.cache), rejects, mapped_ids, list(page.deleted)
    )


def _map_page(source: Source, page: Page) -> tuple[list[StoreRecord], list[str], list[Reject]]:
    good, ids, bad = [], [], []
    for raw in page.records:
        external_id = _external_id(source, raw)
        try:
            good.append(source.map_record(raw))
        except Rejected as exc:
            bad.append((external_id, str(exc), raw))
        else:
            ids.append(external_id)
    return good, ids, bad


def _external_id(source: Source, raw: Any) -> str:
    """The vendor's id for a raw record, or one made from its payload: every reject can be found again."""
    try:
        external_id = source.external_id(raw)
    except (AttributeError, KeyError, TypeError, ValueError):
        external_id = ""
    return external_id or payload_id(raw)


def _commit_page(
    conn: Connection, run: SyncRun, source: Source, prepared: PreparedPage, state: RunState, wait_turn: WaitTurn,
    *, move_cursor: bool = True,
) -> None:  # fmt: skip
    page = prepared.page
    with transaction.atomic():
        result = store_batch(prepared.crm, prepared.feedback, source=source.vendor, deleted=prepared.deleted)
        # The cursor moves only together with the rows it covers, and only after every earlier page has committed:
        # a crash before this commit replays the page.
        wait_turn()
        refused = [
            (_external_id(source, record.raw), reason, record.raw) for record, reason in result.rejected
        ]
        rejects = prepared.rejects + refused
        keep_rejects(conn, run, rejects)
        stored = (set(prepared.mapped_ids) - {eid for eid, _reason, _raw in refused}) | set(prepared.deleted)
        closing = {eid[:128] for eid in stored} & state.open_rejects
        if closing:
            close_rejects(conn, closing)
            state.open_rejects -= closing
        conn_changes: dict[str, Any] = {"records_stored": F("records_stored") + result.created}
        run_changes: dict[str, Any] = {}
        if move_cursor:
            conn_changes["cursor"] = run_changes["cursor_after"] = page.cursor_after
        Connection.objects.filter(pk=conn.pk).update(**conn_changes)
        SyncRun.objects.filter(pk=run.pk).update(
            fetched=F("fetched") + len(page.records), created=F("created") + result.created,
            updated=F("updated") + result.updated, rejected=F("rejected") + len(rejects),
            deleted=F("deleted") + result.deleted, heartbeat_at=timezone.now(), **run_changes,
        )  # fmt: skip
        state.open_rejects |= {eid[:128] for eid, _reason, _raw in rejects}
        tagging.enqueue_tagging(result.changed_item_ids)


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

    The run always ends: a vendor error fails it with the vendor's message; any other exception (a soft time
    limit, a bug) fails it with its message and is raised again. `writers` (default: the INGEST_WRITERS setting)
    is how many writer threads store pages side by side while the next page is fetched; they commit in page order.
    """
    conn = get_connection(connector.vendor, connector.stream)
    policy = policy or RetryPolicy()
    run = SyncRun.objects.create(
        connection=conn, trigger=trigger, cursor_before=conn.cursor, cursor_after=conn.cursor,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    writers = settings.INGEST_WRITERS if writers is None else writers
    try:
        with connection_lock(conn):
            _fail_dead_runs(conn, alive=run)
            # Only the lock holder may move the cursor back: a --full started beside a running sync must not.
            if full or since is not None or not conn.cursor:
                cursor = connector.initial_cursor(since=since)
                Connection.objects.filter(pk=conn.pk).update(cursor=cursor)
                SyncRun.objects.filter(pk=run.pk).update(cursor_before=cursor, cursor_after=cursor)
                conn.refresh_from_db()
            writer = OrderedWriter(workers=writers)
            try:
                _pull(connector, conn, run, writer, policy=policy, sleep=sleep, progress=progress)
            finally:
                writer.close()  # the write in flight finishes (or raises) before the run is finished
    except AlreadyRunning as exc:
        return _finish(run, RunStatus.SKIPPED, str(exc))
    except (PermanentError, TransientError) as exc:
        return _finish(run, RunStatus.FAILED, str(exc))
    except BaseException as exc:
        _finish_after_crash(run, exc)
        raise
    return _finish(run, RunStatus.SUCCEEDED, "")


def _pull(
    connector: Connector, conn: Connection, run: SyncRun, writer: OrderedWriter, *, policy: RetryPolicy,
    sleep: Sleep, progress: Callable[[int], None] | None,
) -> None:  # fmt: skip
    cursor = conn.cursor
    state = RunState(open_rejects=open_reject_ids(conn))
    recent_keys: deque[set[tuple[str, str]]] = deque(maxlen=max(writer.workers - 1, 0))
    while True:
        page = call_with_retries(
            lambda c=cursor: connector.fetch_page(c),
            policy=policy,
            sleep=sleep,
            on_retry=lambda: SyncRun.objects.filter(pk=run.pk).update(
                retries=F("retries") + 1, heartbeat_at=timezone.now()
            ),
        )
        prepared = prepare_page(connector, page, state)
        keys = set(prepared.feedback.keys)
        # A page that writes accounts, deletes, or touches a record a page still in flight also touches, must see
        # that page's rows: it waits for its turn before writing anything.
        serial = bool(prepared.crm or page.deleted or any(keys & earlier for earlier in recent_keys))
        writer.submit(
            lambda wait_turn, p=prepared: _commit_page(conn, run, connector, p, state, wait_turn),
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


def store_pushed(source: Source, raws: Sequence[Any], *, trigger: str) -> SyncRun:
    """Records pushed to us (webhook, CSV upload) or replayed from rejects: mapped by their vendor's source and stored
    as one batch by the same path as a sync, recorded as a run, tagged after commit. The cursor is not touched."""
    conn = get_connection(source.vendor, source.stream)
    run = SyncRun.objects.create(connection=conn, trigger=trigger, heartbeat_at=timezone.now())
    try:
        state = RunState(open_rejects=open_reject_ids(conn))
        page = Page(records=list(raws), cursor_after=conn.cursor, done=True)
        prepared = prepare_page(source, page, state)
        _commit_page(conn, run, source, prepared, state, lambda: None, move_cursor=False)
    except BaseException as exc:
        _finish_after_crash(run, exc)
        raise
    return _finish(run, RunStatus.SUCCEEDED, "")


def replay_rejects(source: Source, *, trigger: str = "retry") -> SyncRun:
    """Map the open rejects of a source again from their original payloads and store what maps now.

    A reject that stores is resolved; one that fails again keeps one open entry with the fresh reason. Runs under
    the connection's lock so it never interleaves with a sync of the same stream.
    """
    conn = get_connection(source.vendor, source.stream)
    try:
        with connection_lock(conn):
            raws = list(
                RejectedRecord.objects.filter(connection=conn, resolved_at__isnull=True)
                .order_by("created_at", "id")
                .values_list("raw", flat=True)
            )
            return store_pushed(source, raws, trigger=trigger)
    except AlreadyRunning as exc:
        run = SyncRun.objects.create(connection=conn, trigger=trigger)
        return _finish(run, RunStatus.SKIPPED, str(exc))


def _fail_dead_runs(conn: Connection, *, alive: SyncRun) -> int:
    """Whoever holds the connection's lock is its only live run: any other still marked running lost its worker."""
    return SyncRun.objects.filter(connection=conn, status=RunStatus.RUNNING).exclude(pk=alive.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(),
        error="The worker running this sync stopped before it finished (found by the next run).",
    )  # fmt: skip


def runs_fail_stale(*, older_than: timedelta) -> int:
    """Runs marked running with no sign of life for `older_than` lost their worker: mark them failed, so the
    page shows the truth even when no later run of the same connection comes along to notice."""
    cutoff = timezone.now() - older_than
    stale = SyncRun.objects.filter(status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    ids = list(stale.values_list("pk", flat=True))
    for run in SyncRun.objects.filter(pk__in=ids):
        _finish(run, RunStatus.FAILED, f"No progress for {older_than}: the worker running this sync stopped.")
    return len(ids)


def _finish_after_crash(run: SyncRun, exc: BaseException) -> None:
    """Record why the run stopped; never let recording it hide the original exception."""
    try:
        _finish(run, RunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000])
    except Exception:  # the database itself may be what failed
        log.exception("could not mark sync run %s failed", run.pk)


def _finish(run: SyncRun, status: str, error: str) -> SyncRun:
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=now)
    if status == RunStatus.SUCCEEDED:
        Connection.objects.filter(pk=run.connection_id).update(last_success_at=now)
    elif status == RunStatus.FAILED:
        Connection.objects.filter(pk=run.connection_id).update(last_failure_at=now, last_error=error)
    run.refresh_from_db()
    return run
