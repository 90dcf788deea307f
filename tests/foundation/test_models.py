from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, connection, transaction

from feedback.models import Account, FeedbackItem, FeedbackTheme, Source, Theme, UsageMetric

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _item(**overrides) -> FeedbackItem:
    fields = {
        "source": Source.ZENDESK,
        "external_id": "1",
        "kind": "ticket",
        "title": "t",
        "occurred_at": WHEN,
    }
    return FeedbackItem.objects.create(**{**fields, **overrides})


def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_duplicate_source_and_external_id_is_rejected_by_the_database():
    _item()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackItem.objects.bulk_create(
            [FeedbackItem(source=Source.ZENDESK, external_id="1", kind="ticket", occurred_at=WHEN)]
        )
    # the same external id from another source is a different record
    _item(source=Source.SALESFORCE)
    assert FeedbackItem.objects.count() == 2


def test_nps_score_above_ten_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        _item(nps_score=11)


def test_churn_risk_score_is_bounded():
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(name="A", churn_risk_score=101)


def test_item_is_tagged_with_a_theme_once():
    item = _item()
    theme = Theme.objects.create(name="Reporting", slug="reporting")
    FeedbackTheme.objects.create(item=item, theme=theme)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackTheme.objects.create(item=item, theme=theme, origin="person")


def test_usage_metric_once_per_account_metric_and_day():
    account = Account.objects.create(name="A")
    UsageMetric.objects.create(account=account, metric="active_users", date=WHEN.date(), value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageMetric.objects.create(account=account, metric="active_users", date=WHEN.date(), value=4)


def _matching(word: str):
    return FeedbackItem.objects.filter(fact__document=SearchQuery(word, config="english"))


def test_search_document_is_maintained_and_stemmed_by_the_database():
    item = _item(title="Reporting is broken", body="Our dashboards are loading slowly")
    assert list(_matching("dashboard")) == [item]
    item.body = "Nothing about that any more"
    item.save()
    assert not _matching("dashboard").exists()
    assert list(_matching("reports")) == [item]  # the title still counts, stemmed
    item.title = "Billing"
    item.occurred_at = item.occurred_at.replace(year=2025)  # text and a counted column in one statement
    item.save()
    assert not _matching("reports").exists() and list(_matching("billing")) == [item]


def test_gin_index_exists_for_full_text_search():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'itemfact_document_gin'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower()
