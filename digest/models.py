"""The weekly product digest: drafted from readiness and feedback, edited and published by Product Ops, emailed.

A digest stores what it shows. Each entry's `data` is a snapshot taken when it was drafted, and publishing renders
the Product Ops text to HTML once, so later changes to releases, checklists or feedback never rewrite a digest
that has gone out.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models


class DigestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Section(models.TextChoices):
    SHIPPING_SOON = "shipping_soon", "Shipping soon"
    JUST_LAUNCHED = "just_launched", "Just launched"
    CUSTOMERS_SAYING = "customers_saying", "What customers are saying"
    CHANGED = "changed", "Changed since last digest"


SECTION_ORDER = [value for value, _label in Section.choices]


class Digest(models.Model):
    """One digest per ISO week, addressed as `yyyy-ww` in URLs and the API."""

    year = models.PositiveSmallIntegerField()
    week = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=DigestStatus.choices, default=DigestStatus.DRAFT)
    intro = models.TextField(blank=True, help_text="Markdown, written by Product Ops.")
    intro_html = models.TextField(blank=True, editable=False)
    # The day the data was read, and the digest "changed since" compares against.
    as_of = models.DateField()
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    horizon_weeks = models.PositiveSmallIntegerField()
    search_text = models.TextField(blank=True, editable=False)
    drafted_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["year", "week"], name="digest_once_per_week"),
            models.CheckConstraint(condition=models.Q(week__gte=1, week__lte=53), name="digest_week_1_53"),
        ]
        indexes = [models.Index(fields=["status", "year", "week"])]

    def __str__(self) -> str:
        return f"Digest {self.period}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.week:02d}"

    @property
    def week_start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def is_published(self) -> bool:
        return self.status == DigestStatus.PUBLISHED


class DigestEntry(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="entries")
    section = models.CharField(max_length=24, choices=Section.choices)
    # What the entry is about, stable across re-drafts ("soon:12", "segment:churn_risk", "change:12:slipped"):
    # a re-draft refreshes the data of an entry with the same key and keeps its note, order and hidden flag.
    key = models.CharField(max_length=80)
    # The release stays on the frozen entry as a plain id too (data["release_id"]), so it survives a deleted release.
    release = models.ForeignKey(
        "readiness.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_entries"
    )
    position = models.PositiveSmallIntegerField(default=0)
    hidden = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="Markdown, written by Product Ops.")
    note_html = models.TextField(blank=True, editable=False)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["digest", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["digest", "key"], name="digest_entry_key_once")]

    def __str__(self) -> str:
        return f"{self.digest_id} {self.key}"

    @property
    def release_id_frozen(self) -> int | None:
        return self.data.get("release_id")


class DigestSubscription(models.Model):
    """A person's own choice to get the digest by email, optionally for some product areas only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    active = models.BooleanField(default=True)
    product_areas = models.ManyToManyField(
        "readiness.ProductArea",
        blank=True,
        related_name="digest_subscriptions",
        help_text="Only releases in these areas; none chosen means every area.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} {'on' if self.active else 'off'}"


class DigestDelivery(models.Model):
    """One row per digest and recipient: a retried send skips everyone who already has it."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["digest", "recipient"], name="digest_delivery_once")]

    def __str__(self) -> str:
        return f"{self.digest_id} → {self.recipient_id}"
