"""Writing vendor records into the feedback store: resolve accounts, snapshot segments, bulk upsert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from feedback.models import Account, FeedbackItem, Opportunity, OpportunityStatus
from feedback.segments import segments_of
from integrations.records import AccountRef, FeedbackRecord
from productops.bulk import copy_text, csv_text
from productops.db import is_postgres

UPSERT_COLUMNS = (
    "source", "external_id", "account_id", "opportunity_id", "kind", "title", "body", "url", "author",
    "occurred_at", "nps_score", "segment_snapshot", "arr_snapshot", "raw",
)  # fmt: skip
# Only content changes count as an update: a re-sync of unchanged records writes nothing.
CONTENT_COLUMNS = (
    "account_id",
    "opportunity_id",
    "kind",
    "title",
    "body",
    "url",
    "author",
    "occurred_at",
    "nps_score",
    "raw",
)


def resolve_accounts(refs: Iterable[AccountRef]) -> dict[AccountRef, int]:
    """Map vendor account references to Account ids with at most one query. Unknown refs are left out."""
    refs = set(refs)
    sf_ids = {r.salesforce_id for r in refs if r.salesforce_id}
    org_ids = {r.zendesk_org_id for r in refs if r.zendesk_org_id}
    domains = {r.domain.lower() for r in refs if r.domain}
    if not (sf_ids or org_ids or domains):
        return {}
    rows = Account.objects.filter(
        Q(salesforce_id__in=sf_ids) | Q(zendesk_org_id__in=org_ids) | Q(domain__in=domains)
    ).values_list("pk", "salesforce_id", "zendesk_org_id", "domain")
    by_sf, by_org, by_domain = {}, {}, {}
    for pk, sf_id, org_id, domain in rows:
        by_sf[sf_id] = pk
        by_org[org_id] = pk
        by_domain.setdefault((domain or "").lower(), pk)
    resolved = {}
    for ref in refs:
        pk = (
            by_sf.get(ref.salesforce_id)
            or by_org.get(ref.zendesk_org_id)
            or by_domain.get(ref.domain.lower())
        )
        if pk:
            resolved[ref] = pk
    return resolved


def segment_snapshots(account_ids: set[int]) -> dict[int, tuple[list[str], Decimal]]:
    """Each account's segments and ARR now, in two queries, for the items said today."""
    if not account_ids:
        return {}
    deals: dict[int, list[tuple[Decimal, bool, str]]] = {}
    open_deals = Opportunity.objects.filter(account_id__in=account_ids, status=OpportunityStatus.OPEN)
    for account_id, amount, flagged, kind in open_deals.values_list(
        "account_id", "amount", "is_priority", "opportunity_type"
    ):
        deals.setdefault(account_id, []).append((amount, flagged, kind))
    return {
        account.pk: (segments_of(account, open_deal_amounts=deals.get(account.pk, [])), account.arr)
        for account in Account.objects.filter(pk__in=account_ids)
    }


def _opportunity_ids(sf_ids: set[str]) -> dict[str, int]:
    if not sf_ids:
        return {}
    return dict(Opportunity.objects.filter(salesforce_id__in=sf_ids).values_list("salesforce_id", "pk"))


Snapshots = dict[int, tuple[list[str], Decimal]]


def _rows(records: Sequence[FeedbackRecord], snapshot_cache: Snapshots | None) -> list[tuple[Any, ...]]:
    accounts = resolve_accounts(r.account for r in records)
    cache: Snapshots = {} if snapshot_cache is None else snapshot_cache
    missing = set(accounts.values()) - cache.keys()
    cache.update(segment_snapshots(missing))
    snapshots = cache
    deals = _opportunity_ids({r.opportunity_salesforce_id for r in records if r.opportunity_salesforce_id})
    rows = []
    for record in records:
        account_id = accounts.get(record.account)
        segments, arr = snapshots.get(account_id, ([], None)) if account_id else ([], None)
        rows.append(
            (
                record.source, record.external_id, account_id, deals.get(record.opportunity_salesforce_id),
                record.kind, record.title[:500], record.body, record.url[:1000], record.author[:255],
                record.occurred_at, record.nps_score, segments, arr, dict(record.raw),
            )
        )  # fmt: skip
    return rows


def dedupe(records: Sequence[FeedbackRecord]) -> list[FeedbackRecord]:
    """The last version of each (source, external_id): PostgreSQL refuses one statement touching a row twice."""
    latest: dict[tuple[str, str], FeedbackRecord] = {}
    for record in records:
        latest[(record.source, record.external_id)] = record
    return list(latest.values())


@dataclass
class PreparedFeedback:
    """A batch made ready for writing: the Python work done, so it can overlap with the previous batch's write."""

    rows: list[tuple[Any, ...]]
    csv: str | None  # PostgreSQL: the rows as CSV for COPY


def prepare_feedback(
    records: Sequence[FeedbackRecord], *, snapshot_cache: Snapshots | None = None
) -> PreparedFeedback:
    """Resolve accounts, snapshot segments and (on PostgreSQL) build the COPY text.

    `snapshot_cache` lets one sync run compute each account's segment snapshot once instead of once per batch.
    """
    rows = _rows(dedupe(records), snapshot_cache) if records else []
    return PreparedFeedback(rows=rows, csv=csv_text(rows) if rows and is_postgres() else None)


def write_feedback(prepared: PreparedFeedback) -> tuple[int, int, list[int]]:
    """Insert new items, update changed ones, leave identical ones alone. Returns (created, updated, changed ids)."""
    if not prepared.rows:
        return 0, 0, []
    if prepared.csv is not None:
        return _upsert_postgres(prepared.csv)
    return _upsert_portable(prepared.rows)


def upsert_feedback(
    records: Sequence[FeedbackRecord], *, snapshot_cache: Snapshots | None = None
) -> tuple[int, int, list[int]]:
    return write_feedback(prepare_feedback(records, snapshot_cache=snapshot_cache))


STAGE_TABLE_SQL = """
CREATE TEMP TABLE IF NOT EXISTS ingest_stage (
    source text, external_id text, account_id bigint, opportunity_id bigint, kind text, title text, body text,
    url text, author text, occurred_at timestamptz, nps_score smallint, segment_snapshot jsonb,
    arr_snapshot numeric, raw jsonb
) ON COMMIT DELETE ROWS
"""


def _upsert_postgres(csv: str) -> tuple[int, int, list[int]]:
    """COPY the batch into a session-private stage, then one INSERT ... SELECT ... ON CONFLICT.

    Building one VALUES list per row in Python cost more than the database's own work (measured: 10k vs 35k rows/s);
    COPY hands the rows over as CSV instead.
    """
    columns = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPSERT_COLUMNS[2:])
    changed = " OR ".join(f"t.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in CONTENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(STAGE_TABLE_SQL)
        cursor.execute("TRUNCATE ingest_stage")
        copy_text(cursor, "ingest_stage", UPSERT_COLUMNS, csv)
        cursor.execute(
            f"INSERT INTO feedback_feedbackitem AS t ({columns}, created_at, updated_at) "
            f"SELECT {columns}, now(), now() FROM ingest_stage "
            f"ON CONFLICT (source, external_id) DO UPDATE SET {updates}, updated_at = now() WHERE {changed} "
            "RETURNING t.id, (t.xmax = 0) AS inserted"
        )
        result = cursor.fetchall()
    created = sum(1 for _id, inserted in result if inserted)
    return created, len(result) - created, [row_id for row_id, _inserted in result]


def _upsert_portable(rows: list[tuple[Any, ...]]) -> tuple[int, int, list[int]]:
    """SQLite (the embedded default): compare with what is stored, then create or update through the ORM."""
    keys = {(row[0], row[1]) for row in rows}
    existing = {
        (item.source, item.external_id): item
        for item in FeedbackItem.objects.filter(
            Q(*(Q(source=s, external_id=e) for s, e in keys), _connector=Q.OR)
        )
    }
    created, updated, changed_ids = 0, 0, []
    for row in rows:
        fields = dict(zip(UPSERT_COLUMNS, row, strict=True))
        item = existing.get((row[0], row[1]))
        if item is None:
            item = FeedbackItem.objects.create(**fields)
            created += 1
        elif any(getattr(item, c) != fields[c] for c in CONTENT_COLUMNS):
            for name, value in fields.items():
                setattr(item, name, value)
            item.save()
            updated += 1
        else:
            continue
        changed_ids.append(item.pk)
    return created, updated, changed_ids
