from __future__ import annotations

from celery import shared_task


@shared_task(name="uploads.tasks.run_csv_import", acks_late=True, soft_time_limit=50 * 60, time_limit=55 * 60)
def run_csv_import(import_id: int) -> int:
    from uploads.services import csv_import_run

    return csv_import_run(import_id=import_id).pk
