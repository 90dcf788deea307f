"""What the reports keep so they can be reproduced or sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# --- Trends: the weekly CPO summary (issue 13) ----------------------------------------------------------------------


class CpoSummary(models.Model):
    """The weekly CPO summary as drafted: the figures are frozen so the page and the email say what was sent."""

    week_start = models.DateField(
        unique=True, help_text="Monday of the last complete week the summary covers."
    )
    subject = models.CharField(max_length=200)
    content = models.JSONField(default=dict)
    drafted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = "CPO summary"
        verbose_name_plural = "CPO summaries"

    def __str__(self) -> str:
        return self.subject


class CpoSummaryDelivery(models.Model):
    """One row per summary and recipient once the email went out, so a retried send skips them."""

    summary = models.ForeignKey(CpoSummary, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "recipient"], name="cpo_summary_once_per_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.summary_id} → {self.email}"
