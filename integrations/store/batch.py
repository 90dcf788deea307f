"""One page of mapped records into the store, in the order their references need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from integrations.records import AccountRecord, OpportunityRecord, StoreRecord, UsageRecord
from integrations.store.crm import upsert_accounts, upsert_opportunities
from integrations.store.feedback import PreparedFeedback, delete_items, write_feedback
from integrations.store.usage import upsert_usage


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    changed_item_ids: list[int] = field(default_factory=list)  # feedback items to (re)tag
    # Records that mapped but the store refused (a deal whose account is not stored yet), with the reason.
    rejected: list[tuple[StoreRecord, str]] = field(default_factory=list)
    deleted: int = 0


def store_batch(
    records: Sequence[StoreRecord], feedback: PreparedFeedback, *, source: str, deleted: Sequence[str] = ()
) -> BatchResult:
    """Accounts first, then deals (which point at accounts), usage, then feedback (which points at both); deletions
    last, so a record deleted in the same page it changed in ends deleted."""
    result = BatchResult()
    accounts = [r for r in records if isinstance(r, AccountRecord)]
    deals = [r for r in records if isinstance(r, OpportunityRecord)]
    usage = [r for r in records if isinstance(r, UsageRecord)]
    if accounts:
        created, updated = upsert_accounts(accounts)
        result.created, result.updated = result.created + created, result.updated + updated
    if deals:
        created, updated, refused = upsert_opportunities(deals)
        result.created, result.updated = result.created + created, result.updated + updated
        result.rejected += refused
    if usage:
        created, updated, refused_usage = upsert_usage(usage)
        result.created, result.updated = result.created + created, result.updated + updated
        result.rejected += refused_usage
    created, updated, changed_ids = write_feedback(feedback)
    result.created, result.updated = result.created + created, result.updated + updated
    result.changed_item_ids = changed_ids
    result.deleted = delete_items(source, deleted)
    return result
