"""Writing vendor records into the feedback store: resolve accounts, snapshot segments, bulk upsert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from psycopg2.extras import execute_values

from feedback.models import Account, FeedbackItem, Opportunity, OpportunityStatus
from feedback.segments import segments_of
from integrations.records import AccountRef, FeedbackRecord
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


def _rows(records: Sequence[FeedbackRecord]) -> list[tuple[Any, ...]]:
    accounts = resolve_accounts(r.account for r in records)
    snapshots = segment_snapshots(set(accounts.values()))
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


def upsert_feedback(records: Sequence[FeedbackRecord]) -> tuple[int, int, list[int]]:
    """Insert new items, update changed ones, leave identical ones alone. Returns (created, updated, changed ids)."""
    records = dedupe(records)
    if not records:
        return 0, 0, []
    rows = _rows(records)
    if is_postgres():
        return _upsert_postgres(rows)
    return _upsert_portable(rows)


def _upsert_postgres(rows: list[tuple[Any, ...]]) -> tuple[int, int, list[int]]:
    from psycopg2.extras import Json

    now = timezone.now()
    values = [(*row[:11], Json(row[11]), row[12], Json(row[13]), now, now) for row in rows]
    columns = ", ".join((*UPSERT_COLUMNS, "created_at", "updated_at"))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*UPSERT_COLUMNS[2:], "updated_at"))
    changed = " OR ".join(f"t.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in CONTENT_COLUMNS)
    sql = (
        f"INSERT INTO feedback_feedbackitem AS t ({columns}) VALUES %s "
        f"ON CONFLICT (source, external_id) DO UPDATE SET {updates} WHERE {changed} "
        "RETURNING t.id, (t.xmax = 0) AS inserted"
    )
    with connection.cursor() as cursor:
        result = execute_values(cursor.cursor, sql, values, page_size=1000, fetch=True)
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
