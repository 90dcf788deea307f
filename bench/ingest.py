"""Benchmark of the ingest path (not a timed test).

    DATABASE_URL=postgres://... python bench/ingest.py [--records 200000] [--baseline 20000] [--batch 1000]

Feeds N Zendesk-shaped tickets from an in-process source (so HTTP is not what is measured) through the real path the
sync engine uses (integrations.engine.prepare_page: ZendeskTickets.external_id + map_record, newest version per
record, integrations.store.prepare_feedback, on the main thread → integrations.store.store_batch on the sync's writer
threads, page by page, each in its own transaction, committed in page order),
then again unchanged (a re-sync: nothing is written), then again with every body changed (all updates), then a
per-row ORM `update_or_create` baseline on a sample, then a raw COPY of the same rows into a scratch table as
the physical limit. Prints each rate and, last: `ingest: <N> items/s, <R>x per-row ORM, <P>% of COPY`.
Its rows (external ids starting "bench-") are deleted at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")


def tickets(count: int, *, body_suffix: str = "") -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield {
            "id": f"bench-{n}", "subject": f"Scheduled reports fail for team {n % 97}",
            "description": f"Our weekly report export times out after 30 seconds, ticket {n}.{body_suffix}",
            "tags": ["reporting", "export"], "priority": "normal", "status": "open", "organization_id": 900_000 + n % 1000,
            "created_at": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T10:00:00Z", "requester_id": 1000 + n,
            "_organization": {"id": 900_000 + n % 1000, "external_id": None, "domain_names": []},
        }  # fmt: skip


def timed(label: str, count: int, work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    rate = count / seconds
    print(f"{label:<44} {count:>9,} rows in {seconds:7.2f} s = {rate:>9,.0f} rows/s", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--writers",
        type=int,
        default=None,
        help="Writer threads (default: the INGEST_WRITERS setting; 0: inline).",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from feedback.models import Account, FeedbackItem
    from integrations.engine import RunState, prepare_page
    from integrations.pipeline import OrderedWriter
    from integrations.records import Page
    from integrations.store import store_batch
    from integrations.zendesk.connector import ZendeskSettings, ZendeskTickets

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark measures the production path.")
    Account.objects.bulk_create(
        [Account(name=f"Bench org {i}", zendesk_org_id=str(900_000 + i)) for i in range(1000)],
        ignore_conflicts=True,
    )
    writers = settings.INGEST_WRITERS if args.writers is None else args.writers
    print(f"{writers} writer thread(s), batches of {args.batch:,}", flush=True)
    connector = ZendeskTickets(ZendeskSettings(subdomain="bench", email="b@bench.test", token="x"))

    def write(prepared: Any, wait_turn: Any) -> None:
        with transaction.atomic():
            store_batch(prepared.crm, prepared.feedback, source="zendesk", deleted=prepared.deleted)
            wait_turn()  # a sync saves its cursor here, once the previous page has committed

    def ingest(source: Iterator[dict[str, Any]]) -> None:
        """As a sync run does it: map and prepare a page while the writer threads store the previous ones."""
        batch: list[Any] = []
        state = RunState()  # each account is resolved and snapshotted once per run, as in a sync

        def submit(raws: list[Any]) -> None:
            prepared = prepare_page(connector, Page(records=raws, cursor_after={}, done=False), state)
            writer.submit(lambda wait_turn, p=prepared: write(p, wait_turn))

        writer = OrderedWriter(workers=writers)
        try:
            for raw in source:
                batch.append(raw)
                if len(batch) >= args.batch:
                    submit(batch)
                    batch = []
            if batch:
                submit(batch)
        finally:
            writer.close()

    def cleanup() -> None:
        """Remove the benchmark's rows, and vacuum, as autovacuum would in time: otherwise each run probes and
        skips the dead index entries of the run before (measured: a 1,000-key lookup 8.7 ms instead of 1.9 ms)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM feedback_feedbackitem WHERE source = 'zendesk' AND external_id LIKE 'bench-%%'"
            )
            cursor.execute("VACUUM ANALYZE feedback_feedbackitem")

    cleanup()
    n = args.records
    ours = timed("map + upsert (new rows)", n, lambda: ingest(tickets(n)))
    timed("map + upsert (re-sync, nothing changed)", n, lambda: ingest(tickets(n)))
    updates = timed(
        "map + upsert (every row changed)", n, lambda: ingest(tickets(n, body_suffix=" Still broken."))
    )
    cleanup()

    sample = min(args.baseline, n)

    def per_row() -> None:
        accounts = dict(
            Account.objects.filter(zendesk_org_id__isnull=False).values_list("zendesk_org_id", "pk")
        )
        for raw in tickets(sample):
            record = connector.map_record(raw)
            FeedbackItem.objects.update_or_create(
                source=record.source, external_id=record.external_id,
                defaults={"kind": record.kind, "title": record.title, "body": record.body, "url": record.url,
                          "author": record.author, "occurred_at": record.occurred_at, "raw": dict(record.raw),
                          "account_id": accounts.get(record.account.zendesk_org_id)},
            )  # fmt: skip

    baseline = timed("per-row ORM update_or_create (sample)", sample, per_row)
    cleanup()

    def copy() -> None:
        buffer = io.StringIO()
        for raw in tickets(n):
            record = connector.map_record(raw)
            fields = (
                record.source,
                record.external_id,
                record.kind,
                record.title,
                record.body,
                record.url,
                record.occurred_at.isoformat(),
                json.dumps(dict(record.raw)),
            )
            buffer.write(
                "\t".join(f.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") for f in fields)
                + "\n"
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_copy (source text, external_id text, kind text, title text, body text, url text, occurred_at timestamptz, raw jsonb)"
            )
            cursor.copy_expert("COPY bench_copy FROM STDIN", buffer)
            cursor.execute("DROP TABLE bench_copy")

    limit = timed("raw COPY into a scratch table", n, copy)
    print(f"re-sync of changed rows runs at {updates / ours:.2f}x the rate of first inserts")
    print(
        f"ingest: {ours:,.0f} items/s, {ours / baseline:.1f}x per-row ORM, {100 * ours / limit:.0f}% of COPY"
    )


if __name__ == "__main__":
    main()
