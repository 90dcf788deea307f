"""The normalized feedback store and its neighbours: accounts, deals, themes, usage."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CUSTOMER = "customer", "Customer"
    CHURNED = "churned", "Churned"


class Account(models.Model):
    name = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True, db_index=True)
    # One external id per source system, so each connector can find the account it is talking about.
    salesforce_id = models.CharField(max_length=18, blank=True, null=True, unique=True)
    zendesk_org_id = models.CharField(max_length=32, blank=True, null=True, unique=True)
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.PROSPECT)
    # NULL means the CRM did not say: such an account is in no ARR tier and in no ARR sum ("unknown", not 0).
    arr = models.DecimalField("ARR", max_digits=14, decimal_places=2, default=0, null=True, blank=True)
    plan = models.CharField(max_length=64, blank=True)
    industry = models.CharField(max_length=64, blank=True)
    owner_csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    churn_risk_score = models.PositiveSmallIntegerField(
        default=0, help_text="0 (healthy) to 100 (about to churn); see CHURN_RISK_SCORE_THRESHOLD."
    )
    expansion_candidate = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["lifecycle", "arr"]), models.Index(fields=["owner_csm"])]
        constraints = [
            models.CheckConstraint(condition=Q(churn_risk_score__lte=100), name="account_churn_risk_0_100"),
            models.CheckConstraint(condition=Q(arr__gte=0), name="account_arr_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PLANNED = "planned", "On the roadmap"
    SHIPPED = "shipped", "Shipped"
    ARCHIVED = "archived", "Archived"


class Theme(models.Model):
    """A feature request or pain point that feedback is tagged with."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    keywords = models.JSONField(
        default=list, blank=True, help_text="Words or phrases; an item mentioning any of them is tagged."
    )
    status = models.CharField(max_length=16, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE)
    # Other names the CRM uses for this theme (e.g. in a deal's "blocked by feature" field), matched case-insensitively.
    aliases = models.JSONField(default=list, blank=True)
    # A merged theme is kept (archived) and points at the survivor, so old links and URLs still explain themselves.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_themes"
    )
    # Progress of the last re-application of the keyword rules to the whole store (see services.retag_all_for_theme).
    retag_total = models.PositiveIntegerField(default=0)
    retag_done = models.PositiveIntegerField(default=0)
    retag_started_at = models.DateTimeField(null=True, blank=True)
    retag_finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def retag_running(self) -> bool:
        return self.retag_started_at is not None and self.retag_finished_at is None


class ThemeEvent(models.Model):
    """The history of a theme: rule changes, merges, splits, bulk tagging. Moves with the theme on merge."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.theme_id} {self.action} {self.at:%Y-%m-%d}"


class OpportunityStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class OpportunityType(models.TextChoices):
    NEW = "new", "New business"
    EXPANSION = "expansion", "Expansion"
    RENEWAL = "renewal", "Renewal"


class Opportunity(models.Model):
    salesforce_id = models.CharField(max_length=18, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="opportunities")
    name = models.CharField(max_length=255)
    # NULL means the CRM has no amount for the deal: it is left out of sums and thresholds, not counted as 0.
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0, null=True, blank=True)
    stage = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN)
    close_date = models.DateField(null=True, blank=True)
    opportunity_type = models.CharField(
        max_length=16, choices=OpportunityType.choices, default=OpportunityType.NEW
    )
    is_priority = models.BooleanField(default=False, help_text="Flagged high-priority regardless of amount.")
    blocking_themes = models.ManyToManyField(Theme, blank=True, related_name="blocked_opportunities")
    # The "blocked by feature" names as the CRM sent them, kept so a theme created or renamed later links the deal.
    blocker_names = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("amount").desc(nulls_last=True)]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["status", "amount"]), models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    SALESFORCE = "salesforce", "Salesforce"
    ZENDESK = "zendesk", "Zendesk"
    GONG = "gong", "Gong"
    NPS = "nps", "NPS"
    SURVEY = "survey", "Survey"
    MANUAL = "manual", "Manual"


class ItemKind(models.TextChoices):
    NOTE = "note", "Note"
    TICKET = "ticket", "Ticket"
    CALL = "call", "Call"
    NPS_RESPONSE = "nps_response", "NPS response"
    SURVEY_ANSWER = "survey_answer", "Survey answer"
    MANUAL = "manual", "Manual entry"


class SearchDocument(models.Func):
    """An item's full-text document as migration 0004 stored it on the item row (a generated column).

    Kept for that migration only: since 0007 the document is ItemFact.document, computed by the fact triggers
    (feedback_fact_document in fact_sql, the same expression).
    """

    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(
            SearchVector("title", weight="A", config="english")
            + SearchVector("body", weight="B", config="english")
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return compiler.compile(self.source_expressions[0])

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return "feedback.models.SearchDocument", (), {}


class FeedbackItem(models.Model):
    """One thing a customer said, in any source. `(source, external_id)` identifies it across re-syncs."""

    source = models.CharField(max_length=16, choices=Source.choices)
    external_id = models.CharField(max_length=128)
    # Indexed by feedback_account_time_idx (account first) and the partial index below.
    # Both references are checked by the store's triggers, set-based at commit, not by per-row foreign keys
    # (feedback.fact_sql, feedback_fact_check_refs: the per-row checks cost about 8 ms per 1,000 ingested items, in the
    # part of a sync's page that cannot overlap with the next page's).
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        db_index=False,
        db_constraint=False,
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    title = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True, help_text="The record in the source system.")
    author = models.CharField(max_length=255, blank=True, help_text="Who said it (customer contact or rep).")
    occurred_at = models.DateTimeField()
    nps_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The account's segments when this was said: a churned account's old complaints stay "customer" feedback.
    segment_snapshot = models.JSONField(default=list, blank=True)
    arr_snapshot = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    raw = models.JSONField(
        default=dict, blank=True, help_text="The vendor record as received, for re-mapping."
    )
    # Its full-text document is ItemFact.document (the `fact` relation), kept by the fact triggers.
    # A fingerprint of the content columns as last synced: a re-sync compares it instead of every column.
    content_hash = models.CharField(max_length=32, blank=True, default="", editable=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logged_feedback",
        db_index=False,
    )
    themes = models.ManyToManyField(Theme, through="FeedbackTheme", related_name="items", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="feedback_item_source_external_id"
            ),
            models.CheckConstraint(
                condition=Q(nps_score__isnull=True) | Q(nps_score__lte=10), name="feedback_item_nps_0_10"
            ),
        ]
        indexes = [
            # Covers the dashboard aggregates (counts, weekly series, NPS) without reading the wide heap rows;
            # read backwards it also serves newest-first lists, so no separate descending index is kept. A source
            # filter alone uses the (source, external_id) key; no (source, time) index is kept: its random
            # insertions cost ingest about 2 ms per 1,000 items (README, "Speed"), and lists of one source walk
            # this index instead (23 ms for a page of the rarest demo source, 3% of items).
            models.Index(
                fields=["occurred_at"],
                include=["source", "account", "nps_score"],
                name="feedback_cut_cover_idx",
            ),
            models.Index(fields=["account", "-occurred_at"], name="feedback_account_time_idx"),
            # Most items have no deal and are not logged by hand: partial indexes skip them on every insert.
            models.Index(
                fields=["opportunity"], condition=Q(opportunity__isnull=False), name="feedback_item_deal_idx"
            ),
            models.Index(
                fields=["logged_by"], condition=Q(logged_by__isnull=False), name="feedback_item_logged_by_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_source_display()} {self.external_id}"


class TagOrigin(models.TextChoices):
    RULE = "rule", "Keyword rule"
    PERSON = "person", "Person"


class FeedbackTheme(models.Model):
    """An item tagged with a theme, by a rule or a person.

    A person's untag is kept as a row with `removed=True` so keyword rules never tag it again.
    """

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="item_links")
    origin = models.CharField(max_length=8, choices=TagOrigin.choices, default=TagOrigin.RULE)
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    tagged_at = models.DateTimeField(auto_now_add=True)
    removed = models.BooleanField(default=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "theme"], name="feedback_theme_once")]
        indexes = [models.Index(fields=["theme", "item"], name="feedback_theme_item_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.theme_id} ({self.origin})"


class UsageMetric(models.Model):
    """The quantitative side: one account's value of one metric on one day."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="usage_metrics")
    metric = models.CharField(max_length=64)
    date = models.DateField()
    value = models.FloatField()

    class Meta:
        ordering = ["account", "metric", "date"]
        constraints = [
            models.UniqueConstraint(fields=["account", "metric", "date"], name="usage_metric_once_per_day")
        ]
        indexes = [models.Index(fields=["metric", "date"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.metric} {self.date}: {self.value}"


from feedback.fact_models import (  # noqa: E402, F401
    AccountFact,
    AccountThemeFact,
    ClassFact,
    FactChange,
    ItemFact,
    ThemeClassFact,
    WeekFact,
)
