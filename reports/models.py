"""What a report must keep to be reproduced or acted on: saved insight reports, review packs and their decisions.

Reports own no source data. A saved report stores the figures it computed (and the inputs of its score), so opening
it later shows the same numbers even after new feedback and deals arrive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SavedInsightReport(models.Model):
    """A Strategic Insight report frozen at the moment it was saved: themes, weights, window, figures, data date."""

    title = models.CharField(max_length=200, blank=True)
    theme_ids = models.JSONField(help_text="The themes compared, in the order they were picked.")
    weights = models.JSONField(help_text="The score weights when saved, {term: weight}.")
    window_start = models.DateField()
    window_end = models.DateField()
    # The moment the figures were computed from: "data as of" on the page, and the reason the numbers never move.
    data_as_of = models.DateTimeField()
    figures = models.JSONField(help_text="Per-theme figures as computed, the inputs of the score.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Insight report {self.pk}"


class Review(models.Model):
    """One cross-functional feedback review: the pack prepared for the meeting, frozen when it was generated."""

    title = models.CharField(max_length=200)
    # Since the last review: the pack covers feedback from period_start (the previous review) to period_end.
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField()
    pack = models.JSONField(
        default=dict, blank=True, help_text="The figures shown in the pack, as generated."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:review", args=[self.pk])


class DecisionOutcome(models.TextChoices):
    ACCEPT = "accept", "Accept"
    DECLINE = "decline", "Decline"
    NEEDS_RESEARCH = "needs_research", "Needs research"
    MERGE = "merge", "Merge"


class Decision(models.Model):
    """A decision taken about a theme in a review. The log is append-only: a later decision supersedes, never edits."""

    theme = models.ForeignKey("feedback.Theme", on_delete=models.CASCADE, related_name="review_decisions")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    merge_into = models.ForeignKey(
        "feedback.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["theme", "-decided_at"], name="reports_decision_theme_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="merge") | Q(merge_into__isnull=False),
                name="reports_decision_merge_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.outcome}"


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
