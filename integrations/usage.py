"""Usage metrics from CSV (account_external_id, metric, date, value): one row per account, metric and day."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from feedback.models import Account, UsageMetric
from integrations import engine
from integrations.guard import storable_reject
from integrations.models import SyncRun
from integrations.nps.mapping import BadRow, read_csv

USAGE_CSV_COLUMNS = ("account_external_id", "metric", "date", "value")


def import_usage_csv(
    data: bytes, *, trigger: str = "upload", progress: Callable[[int, int], None] | None = None
) -> SyncRun:
    """Store the good rows, keep the bad ones with their line number and reason. Raises ValueError for a bad file."""
    rows = read_csv(data, USAGE_CSV_COLUMNS)
    refs = {row["account_external_id"].strip() for _n, row in rows if not isinstance(row, BadRow)}
    accounts = dict(Account.objects.filter(salesforce_id__in=refs).values_list("salesforce_id", "pk"))
    accounts.update(Account.objects.filter(domain__in=refs).values_list("domain", "pk"))
    metrics: dict[tuple[int, str, date], UsageMetric] = {}
    rejects: list[tuple[str, str, Any]] = []
    for index, (number, row) in enumerate(rows):
        if progress is not None and index % 5_000 == 0:
            progress(index, len(rows))
        if isinstance(row, BadRow):
            rejects.append(storable_reject(f"line {number}", f"line {number}: {row}", {"line": number}))
            continue
        try:
            metric = _metric(row, accounts)
        except ValueError as exc:
            rejects.append(storable_reject(f"line {number}", f"line {number}: {exc}", row))
            continue
        metrics[(metric.account_id, metric.metric, metric.date)] = metric  # the last row for a day wins

    def write() -> tuple[int, int, list[int]]:
        existing = set(
            UsageMetric.objects.filter(
                account_id__in={k[0] for k in metrics}, metric__in={k[1] for k in metrics}
            ).values_list("account_id", "metric", "date")
        )
        UsageMetric.objects.bulk_create(
            metrics.values(), update_conflicts=True, unique_fields=["account", "metric", "date"], update_fields=["value"],
            batch_size=1000,
        )  # fmt: skip
        created = sum(1 for key in metrics if key not in existing)
        return created, len(metrics) - created, []

    return engine.record_push(
        "usage", "csv", trigger=trigger, fetched=len(rows), rejects=rejects, write=write
    )


def _metric(row: dict[str, str], accounts: dict[str, int]) -> UsageMetric:
    ref = (row.get("account_external_id") or "").strip()
    if ref not in accounts:
        raise ValueError(f"no account with external id or domain {ref!r}")
    name = (row.get("metric") or "").strip()
    if not name:
        raise ValueError("metric is empty")
    try:
        day = date.fromisoformat((row.get("date") or "").strip())
    except ValueError as exc:
        raise ValueError(f"date must look like 2026-01-31, got {row.get('date')!r}") from exc
    try:
        value = float((row.get("value") or "").strip())
    except ValueError as exc:
        raise ValueError(f"value must be a number, got {row.get('value')!r}") from exc
    if not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {row.get('value')!r}")
    return UsageMetric(account_id=accounts[ref], metric=name[:64], date=day, value=value)
