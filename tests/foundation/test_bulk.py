from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.postgres.search import SearchQuery

from feedback.models import Account, FeedbackItem
from productops.bulk import allocate_ids, insert_rows

pytestmark = pytest.mark.django_db

AWKWARD = 'He said "no", then left,\nthen wrote back \\N\ttabbed — ünïcode'


def test_copy_round_trips_awkward_text_nulls_empties_and_json():
    account = Account.objects.create(name="A")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    ids = allocate_ids(FeedbackItem, 2)
    columns = ("id", "source", "external_id", "account_id", "kind", "title", "body", "occurred_at", "nps_score",
               "segment_snapshot", "arr_snapshot", "raw", "created_at", "updated_at")  # fmt: skip
    rows = [
        (ids[0], "zendesk", "1", account.pk, "ticket", "", AWKWARD, when, None, ["customer"], Decimal("12.50"), {"a": [1, None]}, when, when),
        (ids[1], "nps", "2", None, "nps_response", "NPS 9", "", when, 9, [], None, {}, when, when),
    ]  # fmt: skip
    assert insert_rows(FeedbackItem, columns, rows) == 2
    first, second = FeedbackItem.objects.order_by("id")
    assert (first.pk, first.title, first.body, first.nps_score) == (ids[0], "", AWKWARD, None)
    assert first.segment_snapshot == ["customer"] and first.raw == {"a": [1, None]}
    assert first.arr_snapshot == Decimal("12.50") and first.occurred_at == when
    assert second.account is None and second.body == "" and second.nps_score == 9
    # ids came from the sequence, so ordinary inserts afterwards do not collide
    later = FeedbackItem.objects.create(source="manual", external_id="3", kind="manual", occurred_at=when)
    assert later.pk > ids[1]


def test_copied_rows_get_their_search_document():
    when = datetime(2026, 1, 2, tzinfo=UTC)
    columns = ("source", "external_id", "kind", "title", "body", "occurred_at", "created_at", "updated_at")
    insert_rows(
        FeedbackItem, columns, [("zendesk", "9", "ticket", "Invoices", "billing is wrong", when, when, when)]
    )
    assert FeedbackItem.objects.filter(fact__document=SearchQuery("invoice", config="english")).count() == 1
