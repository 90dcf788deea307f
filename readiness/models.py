"""Launch readiness: releases, checklist templates, the checklists CSMs tick off, and the readiness kit's FAQ."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from productops.roles import Role


class Tier(models.TextChoices):
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    PATCH = "patch", "Patch"


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_READINESS = "in_readiness", "In readiness"
    LAUNCHED = "launched", "Launched"


class Category(models.TextChoices):
    INTERNAL_IMPACT = "internal_impact", "Internal impact"
    VALIDATION = "validation", "Validation"
    COMMUNICATIONS = "communications", "Communications"
    ENABLEMENT = "enablement", "Enablement"
    DEFINITION_OF_DONE = "definition_of_done", "Definition of done"


# The roles a checklist item can belong to: every portal role but the CPO, who reads readiness and owns no item.
OWNER_ROLE_CHOICES = [(role.value, role.value) for role in (Role.PRODUCT_OPS, Role.PM, Role.CSM, Role.SALES)]


class ProductArea(models.Model):
    """A short list Product Ops manages (Reporting, Platform, Mobile...): the roadmap's rows, the digest's email filter."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer_change = models.TextField("what changes for customers", blank=True)
    launch_date = models.DateField()
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.MAJOR)
    # One area per release; deleting an area is refused while releases use it (PROTECT) so none silently lose it.
    product_area = models.ForeignKey(
        ProductArea, null=True, blank=True, on_delete=models.PROTECT, related_name="releases"
    )
    status = models.CharField(max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED)
    pm_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_releases",
        verbose_name="PM owner",
    )
    themes = models.ManyToManyField("feedback.Theme", related_name="releases", blank=True)
    affected_accounts = models.ManyToManyField("feedback.Account", related_name="releases", blank=True)
    video_url = models.URLField("video walkthrough", max_length=500, blank=True)
    in_app_guide_url = models.URLField("in-app guide", max_length=500, blank=True)
    help_article_url = models.URLField("help article", max_length=500, blank=True)
    checklist_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["launch_date", "name"]
        indexes = [models.Index(fields=["status", "launch_date"])]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplate(models.Model):
    name = models.CharField(max_length=120)
    tier = models.CharField(max_length=8, choices=Tier.choices, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tier"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=Category.choices)
    owner_role = models.CharField(max_length=16, choices=OWNER_ROLE_CHOICES)
    due_offset_days = models.PositiveSmallIntegerField(help_text="Days before launch this is due.")
    needs_evidence = models.BooleanField(default=False, help_text="Cannot be ticked without a link.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="checklist")
    template_item = models.ForeignKey(TemplateItem, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=Category.choices)
    owner_role = models.CharField(max_length=16, choices=OWNER_ROLE_CHOICES)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
    )
    due_date = models.DateField()
    needs_evidence = models.BooleanField(default=False)
    evidence_url = models.URLField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["release", "position", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(needs_evidence=False) | ~Q(evidence_url=""),
                name="checklist_item_done_needs_evidence",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ItemEvent(models.Model):
    """Every change to a checklist item, for the audit trail on the release page."""

    class Action(models.TextChoices):
        OPENED = "opened", "opened"
        TICKED = "ticked", "ticked"
        UNTICKED = "unticked", "unticked"
        EVIDENCE = "evidence", "changed evidence"
        DUE_MOVED = "due_moved", "moved due date"
        OWNER = "owner", "changed owner"

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class FaqEntry(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="faq")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    for_high_risk = models.BooleanField(
        "for high-risk accounts",
        default=False,
        help_text="Shown in the high-risk accounts section of the kit.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["release", "position", "id"]

    def __str__(self) -> str:
        return self.question


class FaqEvent(models.Model):
    """Every FAQ change, kept after the entry itself is gone: who added or removed what, and when."""

    class Action(models.TextChoices):
        ADDED = "added", "added"
        REMOVED = "removed", "removed"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="faq_events")
    entry = models.ForeignKey(
        FaqEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=16, choices=Action.choices)
    question = models.CharField(max_length=300)
    answer = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.question[:40]}"


class ReminderSent(models.Model):
    """One row per item, person and day a reminder went out, so nothing is sent twice."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "recipient", "sent_on"], name="reminder_once_per_item_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.recipient_id} on {self.sent_on}"
