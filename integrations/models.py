"""Sync state: one Connection per vendor stream, a SyncRun per run, and the records a run rejected."""

from __future__ import annotations

from django.db import models


class Connection(models.Model):
    """A vendor stream the engine pulls (e.g. zendesk/tickets). The cursor is where the next run resumes."""

    vendor = models.CharField(max_length=32)
    stream = models.CharField(max_length=32)
    cursor = models.JSONField(default=dict, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    records_stored = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["vendor", "stream"]
        constraints = [models.UniqueConstraint(fields=["vendor", "stream"], name="connection_vendor_stream")]

    def __str__(self) -> str:
        return f"{self.vendor}/{self.stream}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (already running)"


class SyncRun(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(
        max_length=16, default="schedule"
    )  # schedule / manual / command / webhook / upload / retry
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    retries = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)  # items removed because the vendor deleted them
    # Touched on every page and retry: a run marked running whose heartbeat stopped lost its worker (see
    # engine.runs_fail_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cursor_before = models.JSONField(default=dict, blank=True)
    cursor_after = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["connection", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.connection} run {self.pk} ({self.status})"


class RejectedRecord(models.Model):
    """A vendor record that could not be stored, kept with its reason and raw payload until someone retries it."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="rejected_records")
    run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="rejections"
    )
    external_id = models.CharField(max_length=128, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.connection} {self.external_id}: {self.reason[:60]}"
