"""Queue a large CSV upload and import it in the background, with progress the integrations page shows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from uploads.models import CsvImport, ImportStatus

PROGRESS_EVERY = (
    5_000  # rows between progress writes: often enough to move the bar, rare enough to cost nothing
)


@transaction.atomic
def csv_import_enqueue(*, kind: str, data: bytes, filename: str, user: Any) -> CsvImport:
    from uploads.tasks import run_csv_import

    job = CsvImport.objects.create(
        kind=kind, data=data, size=len(data), filename=filename[:255], created_by=user
    )
    transaction.on_commit(lambda: run_csv_import.delay(job.pk))
    return job


def _importer(kind: str):  # type: ignore[no-untyped-def]
    from integrations.nps.imports import import_nps_csv
    from integrations.usage import import_usage_csv

    return import_nps_csv if kind == "nps" else import_usage_csv


def csv_import_run(*, import_id: int) -> CsvImport:
    """Import a queued upload. Idempotent: a second delivery of the task finds it claimed or done and does nothing."""
    claimed = CsvImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = CsvImport.objects.get(pk=import_id)
    if not claimed:
        return job

    data = bytes(job.data)
    # The importer stores the file as one batch: progress is queued → importing (with its row count) → done.
    CsvImport.objects.filter(pk=import_id).update(rows_total=max(0, data.count(b"\n") - 1))
    try:
        run = _importer(job.kind)(data)
    except (
        ValueError
    ) as exc:  # an unusable file (not UTF-8, missing columns): the whole import fails, saying why
        CsvImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now(), data=b""
        )
    else:
        CsvImport.objects.filter(pk=import_id).update(
            status=ImportStatus.DONE, run=run, rows_done=run.fetched, rows_total=run.fetched,
            finished_at=timezone.now(), data=b"",
        )  # fmt: skip
    return CsvImport.objects.get(pk=import_id)


def recent_imports(limit: int = 5) -> list[CsvImport]:
    return list(CsvImport.objects.defer("data").select_related("run")[:limit])
