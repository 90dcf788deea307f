"""Narrow tables the dashboard's figures are read from, kept exact by PostgreSQL triggers (feedback/fact_sql.py).

They are Django models only so that migrations create them and test flushes truncate them with the store; nothing
writes them through the ORM. See the README's "Speed" section for why each exists.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class _Fact(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ItemFact(_Fact):
    """One row per feedback item: only what cuts filter and aggregate on, and the item's full-text document.

    The document lives here rather than on the item row, so that a search selects the cut's rows from this table's
    own GIN index and reads them where the figures are (README, "Speed": a search touching 90k items read 53k pages of
    wide item rows and then probed this table 90k times).
    """

    # The item's own id: a relation for the ORM's joins (search, relevance), not a foreign key, since the triggers
    # write and delete these rows with the item's.
    item = models.OneToOneField(
        "feedback.FeedbackItem",
        primary_key=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="fact",
    )
    occurred_at = models.DateTimeField()
    week = models.DateField()  # the Monday of occurred_at's week in TIME_ZONE
    account_id = models.BigIntegerField(null=True)
    source = models.CharField(max_length=16)
    nps_score = models.SmallIntegerField(null=True)
    theme_ids = ArrayField(models.BigIntegerField(), default=list)  # live theme links, sorted
    # The same set as a small integer (feedback_themeset; 0: no theme): what the figures group and filter on, since
    # hashing a bigint[] per row cost more than reading the row (README, "Speed"). The array stays: the triggers'
    # deltas unnest it, and dropping it shrank the table by 9% and a search's scan by 4%.
    themeset = models.IntegerField(default=0, db_default=0)
    # Title (weight A) and body (weight B), English stemming: feedback_fact_document() in fact_sql.
    document = SearchVectorField(null=True)

    class Meta:
        db_table = "feedback_itemfact"
        indexes = [
            GinIndex(fields=["document"], name="itemfact_document_gin"),
            models.Index(
                fields=["occurred_at"],
                include=["week", "account_id", "source", "nps_score", "themeset"],
                name="itemfact_time_idx",
            ),
            models.Index(fields=["account_id"], name="itemfact_account_idx"),
        ]


class ThemeSet(_Fact):
    """Each distinct set of live themes an item carries, numbered (feedback_fact_themeset() adds a set the first time
    an item is tagged with it; a set is never renumbered, an unused one is harmless). Tens to hundreds of rows."""

    id = models.AutoField(primary_key=True)  # an integer like feedback_itemfact.themeset
    theme_ids = ArrayField(models.BigIntegerField(), unique=True)  # sorted, never empty

    class Meta:
        db_table = "feedback_themeset"


class AccountFact(_Fact):
    """Each account's segments now (a bitmask, see feedback.facts.segment_bit), owner, ARR, and the sources it has
    items from (a bitmask, see feedback.facts.SOURCE_BITS): distinct accounts and ARR of all-time cuts."""

    account_id = models.BigIntegerField(primary_key=True)
    segbits = models.IntegerField()
    owner_id = models.BigIntegerField(default=0)  # 0: no owner
    arr = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    sources_mask = models.IntegerField(db_default=0)

    class Meta:
        db_table = "feedback_accountfact"


class _Counts(_Fact):
    items = models.IntegerField(default=0)
    nps_n = models.IntegerField(default=0)
    nps_sum = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    promoters = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ClassFact(_Counts):
    """All-time items and NPS per source and account class (segments + owner; segbits -1: no account)."""

    source = models.CharField(max_length=16)
    segbits = models.IntegerField()
    owner_id = models.BigIntegerField()

    class Meta:
        db_table = "feedback_classfact"
        constraints = [
            models.UniqueConstraint(fields=["source", "segbits", "owner_id"], name="classfact_key")
        ]


class WeekFact(_Fact):
    """Items per week (Monday, in TIME_ZONE), source and account class: the weekly chart of all-time cuts."""

    week = models.DateField()
    source = models.CharField(max_length=16)
    segbits = models.IntegerField()
    owner_id = models.BigIntegerField()
    items = models.IntegerField(default=0)

    class Meta:
        db_table = "feedback_weekfact"
        constraints = [
            models.UniqueConstraint(fields=["week", "source", "segbits", "owner_id"], name="weekfact_key")
        ]


class ThemeClassFact(_Fact):
    """All-time items per theme, source and account class: the item counts of the top themes."""

    theme_id = models.BigIntegerField()
    source = models.CharField(max_length=16)
    segbits = models.IntegerField()
    owner_id = models.BigIntegerField()
    items = models.IntegerField(default=0)

    class Meta:
        db_table = "feedback_themeclassfact"
        constraints = [
            models.UniqueConstraint(
                fields=["theme_id", "source", "segbits", "owner_id"], name="themeclassfact_key"
            )
        ]


class AccountThemeFact(_Fact):
    """Which accounts have items on which theme, from which sources: distinct accounts and ARR of the top themes."""

    account_id = models.BigIntegerField()
    theme_id = models.BigIntegerField()
    sources_mask = models.IntegerField()

    class Meta:
        db_table = "feedback_accountthemefact"
        constraints = [
            models.UniqueConstraint(fields=["account_id", "theme_id"], name="accountthemefact_key")
        ]


class FactChange(_Fact):
    """One row per write statement on a table the figures read (appended by the same triggers, in the writer's
    transaction). Counting them per relation gives the cache a version that is part of the reader's snapshot."""

    relation = models.CharField(max_length=16)
    n = models.BigIntegerField(default=1)  # compaction folds many rows into one carrying their count

    class Meta:
        db_table = "feedback_factchange"
        indexes = [models.Index(fields=["relation"], include=["n"], name="factchange_relation_idx")]
