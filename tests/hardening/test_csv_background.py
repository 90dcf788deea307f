"""Defect 9: a large CSV is imported by a Celery task with progress, not parsed inside the request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import FeedbackItem
from productops.roles import Role
from uploads.models import CsvImport, ImportStatus
from uploads.services import csv_import_run

pytestmark = pytest.mark.django_db

HEADER = "account_external_id,respondent_email,score,comment,responded_at\n"


def _rows(n: int) -> str:
    return "".join(
        f"001ACME,p{i}@acme.example,{i % 11},comment {i},2026-02-01T10:00:{i % 60:02d}Z\n" for i in range(n)
    )


def test_a_large_upload_is_queued_and_imported_by_the_task_with_progress(client_for, acme, settings):
    settings.CSV_IMPORT_INLINE_BYTES = 2_000
    client = client_for(Role.PRODUCT_OPS)
    text = HEADER + _rows(12_000) + "001ACME,bad@acme.example,eleven,x,2026-02-01\n"
    response = client.post(
        "/integrations/upload/",
        {"kind": "nps", "file": SimpleUploadedFile("big.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 302
    job = CsvImport.objects.get()
    assert (
        job.status == ImportStatus.QUEUED and not FeedbackItem.objects.exists()
    )  # nothing parsed in the request
    csv_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.rows_done == job.rows_total == 12_001
    assert job.run.rejected == 1 and FeedbackItem.objects.count() == 12_000
    assert job.percent == 100 and job.data == b""  # the file is not kept once imported
    assert csv_import_run(import_id=job.pk).run_id == job.run_id  # a second delivery does nothing
    page = client.get("/integrations/").content.decode()
    assert "big.csv" in page and "Background imports" in page


def test_an_unusable_file_fails_the_import_with_its_reason(make_user):
    job = CsvImport.objects.create(
        kind="usage", data=b"nope,columns\n1,2\n", size=18, created_by=make_user("o", Role.PRODUCT_OPS)
    )
    csv_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "Missing column(s)" in job.error
