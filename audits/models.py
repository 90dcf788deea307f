"""Time audits (framework step 1) and the inbound-question log (the "Quality of Inbound" efficiency metric)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Audience(models.TextChoices):
    PM = "pm", "Product managers"
    REVENUE = "revenue", "Revenue teams (Sales, CS)"


class QuestionKind(models.TextChoices):
    PERCENT_SPLIT = "percent_split", "Split of a week in percent (sums to 100)"
    COUNT_PER_WEEK = "count_per_week", "Count per week"
    SCALE = "scale", "1 to 5 scale"
    FREE_TEXT = "free_text", "Free text"


class Metric(models.TextChoices):
    """What a question feeds in the results. The framework's rule reads these two, so they are marked, not guessed."""

    NONE = "", "—"
    PM_TIME_SPLIT = "pm_time_split", "PM time split (internal-status share)"
    STATUS_ASKS = "status_asks", "Status / clarification asks per week"


class QuestionFields(models.Model):
    """A question as written in a template and as copied into a round (a round keeps its own copy, so editing
    a template never rewrites the questions people already answered)."""

    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    prompt = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    # Percent split: the categories of the week, in order.
    choices = models.JSONField(default=list, blank=True)
    # Percent split: the category that counts as internal status updates / firefighting for the 20% rule.
    internal_choice = models.CharField(max_length=120, blank=True)
    metric = models.CharField(max_length=16, choices=Metric.choices, blank=True, default="")
    required = models.BooleanField(default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.prompt


class SurveyTemplate(models.Model):
    # Set on the shipped defaults so a flushed database gets them back without touching edited copies.
    key = models.SlugField(max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(max_length=120)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    description = models.TextField(blank=True)
    # Roles whose users are proposed as participants when a round starts from this template.
    default_roles = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audience", "name"]

    def __str__(self) -> str:
        return self.name


class TemplateQuestion(QuestionFields):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["template", "position", "id"]


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Round(models.Model):
    name = models.CharField(max_length=120)
    template = models.ForeignKey(
        SurveyTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=8, choices=Audience.choices)
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Participant", related_name="audit_rounds", blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["audience", "status", "closed_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Question(QuestionFields):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")

    class Meta:
        ordering = ["round", "position", "id"]


class Participant(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participant_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="audit_participant_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.round_id}"


class Response(models.Model):
    """One per person per round; editable while the round is open. Answers keyed by question id."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_responses"
    )
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="audit_response_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.round_id}"


class RoundReminder(models.Model):
    """One row per round, person and day a reminder went out, so nobody is reminded twice on the same day."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "sent_on"], name="audit_reminder_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} → {self.user_id} on {self.sent_on}"


# --- Inbound questions -----------------------------------------------------------------------------------------


class Category(models.TextChoices):
    HOW_TO = "how_to", "How-to"
    STATUS = "status", "Status"
    STRATEGY = "strategy", "Strategy"
    UNCLASSIFIED = "unclassified", "Unclassified"


class Team(models.TextChoices):
    SALES = "sales", "Sales"
    CS = "cs", "Customer Success"
    OTHER = "other", "Other"


class InboundSource(models.TextChoices):
    PORTAL = "portal", "Asked in the portal"
    MANUAL = "manual", "Logged by hand"
    CSV = "csv", "CSV import"
    API = "api", "API"


class RuleKind(models.TextChoices):
    PHRASE = "phrase", "Phrase"
    REGEX = "regex", "Regular expression"


class ClassifierRule(models.Model):
    """Rules are tried in order (position, id); the first that matches gives the class. Product Ops edits them."""

    category = models.CharField(max_length=12, choices=Category.choices[:3])
    kind = models.CharField(max_length=8, choices=RuleKind.choices, default=RuleKind.PHRASE)
    pattern = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.pattern}” → {self.get_category_display()}"


class InboundQuestion(models.Model):
    text = models.TextField()
    team = models.CharField(max_length=8, choices=Team.choices, default=Team.SALES)
    source = models.CharField(max_length=8, choices=InboundSource.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_asked",
    )
    # For imported or hand-logged questions whose asker has no portal account.
    asker_name = models.CharField(max_length=200, blank=True)
    asked_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_received",
    )
    release = models.ForeignKey(
        "readiness.Release",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_questions",
    )
    asked_at = models.DateTimeField()
    # What the rules said, and which rule (kept as text too, so the "why" survives a rule's deletion).
    rule_category = models.CharField(max_length=12, choices=Category.choices, default=Category.UNCLASSIFIED)
    matched_rule = models.ForeignKey(
        ClassifierRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_text = models.CharField(max_length=300, blank=True)
    # A person's decision beats the rules and survives reclassification.
    override_category = models.CharField(max_length=12, choices=Category.choices[:3], blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    # override_category or rule_category: stored so the trend charts aggregate one indexed column.
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.UNCLASSIFIED)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    pm_notified_at = models.DateTimeField(null=True, blank=True)
    asker_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["asked_at", "team", "category"], name="inbound_time_team_cat_idx"),
            models.Index(fields=["asked_of", "answered_at"], name="inbound_asked_of_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_category="") | Q(category=models.F("override_category")),
                name="inbound_override_wins",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
