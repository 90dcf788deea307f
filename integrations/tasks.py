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
