"""Usage metrics: the one UsageMetric upsert, for syncs (Pendo) and CSV imports alike."""

from __future__ import annotations

from collections.abc import Sequence

from feedback.models import UsageMetric
from integrations.records import UsageRecord
from integrations.store.accounts import resolve_accounts


def upsert_usage(records: Sequence[UsageRecord]) -> tuple[int, int, list[tuple[UsageRecord, str]]]:
    """Usage rows by (account, metric, day), the last one given for a key winning; unchanged values are not
    written. A row whose account is unknown is returned as rejected. Returns (created, updated, rejected)."""
    accounts = resolve_accounts(r.account for r in records)
    rejected = [
        (r, f"no account matches {r.account.salesforce_id or r.account.domain or '(none)'}")
        for r in records
        if r.account not in accounts
    ]
    latest = {(accounts[r.account], r.metric[:64], r.day): r.value for r in records if r.account in accounts}
    if not latest:
        return 0, 0, rejected
    stored = {
        (a, m, d): v
        for a, m, d, v in UsageMetric.objects.filter(
            account_id__in={k[0] for k in latest}, metric__in={k[1] for k in latest},
            date__in={k[2] for k in latest},
        ).values_list("account_id", "metric", "date", "value")
    }  # fmt: skip
    changed = {key: value for key, value in latest.items() if stored.get(key) != value}
    UsageMetric.objects.bulk_create(
        [UsageMetric(account_id=a, metric=m, date=d, value=v) for (a, m, d), v in changed.items()],
        update_conflicts=True, unique_fields=["account", "metric", "date"], update_fields=["value"],
        batch_size=1000,
    )  # fmt: skip
    created = sum(1 for key in changed if key not in stored)
    return created, len(changed) - created, rejected
