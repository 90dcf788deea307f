"""A CSV upload too large to parse inside the request: stored, then imported by a Celery task that reports progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CsvImport(models.Model):
    kind = models.CharField(max_length=16)  # "nps" or "usage", as the upload form's choice
    filename = models.CharField(max_length=255, blank=True)
    # The file itself, kept until imported: the worker may run on another machine than the web process.
    data = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    run = models.ForeignKey(
        "integrations.SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == ImportStatus.DONE
            else int(100 * self.rows_done / self.rows_total)
            if self.rows_total
            else 0
        )
