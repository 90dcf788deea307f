from __future__ import annotations

from celery import shared_task


@shared_task(
    name="integrations.tasks.sync_vendor", acks_late=True, max_retries=3, retry_backoff=True,
    autoretry_for=(ConnectionError,), soft_time_limit=50 * 60, time_limit=55 * 60,
)  # fmt: skip
def sync_vendor(vendor: str, trigger: str = "schedule") -> int:
    """Run one sync; retries of vendor errors happen inside the engine, so a run's failure is final and visible."""
    from integrations.services import sync_now

    return sync_now(vendor=vendor, trigger=trigger).pk


@shared_task(name="integrations.tasks.fail_stale_runs", acks_late=True, expires=600)
def fail_stale_runs() -> int:
    """Runs whose worker died are marked failed (idempotent: a failed run is not running any more)."""
    from integrations.services import runs_fail_stale

    return runs_fail_stale()
