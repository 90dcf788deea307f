"""The feedback write path: new rows by COPY, changed rows by fingerprint, unchanged rows left alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.postgres.search import SearchQuery

from feedback.models import FeedbackItem
from integrations import store
from integrations.records import AccountRef, FeedbackRecord
from integrations.store import feedback as feedback_store

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _ticket(external_id: str, body: str = "Export fails", **fields) -> FeedbackRecord:
    return FeedbackRecord(
        source="zendesk", external_id=external_id, kind="ticket", occurred_at=WHEN, title="Export",
        body=body, raw={"id": external_id, "body": body}, **fields,
    )  # fmt: skip


def test_new_changed_and_unchanged_records_are_told_apart_by_their_fingerprint(accounts):
    created, updated, ids = store.upsert_feedback(
        [_ticket("1"), _ticket("2", account=AccountRef(zendesk_org_id="501"))]
    )
    assert (created, updated) == (2, 0)
    assert set(ids) == set(FeedbackItem.objects.values_list("pk", flat=True))
    two = FeedbackItem.objects.get(external_id="2")
    assert two.account == accounts["acme"] and two.segment_snapshot and len(two.content_hash) == 32
    stamp = two.updated_at

    assert store.upsert_feedback([_ticket("1"), _ticket("2", account=AccountRef(zendesk_org_id="501"))]) == (
        0,
        0,
        [],
    )
    assert FeedbackItem.objects.get(external_id="2").updated_at == stamp  # not even touched

    created, updated, ids = store.upsert_feedback(
        [_ticket("1", body="Export fails again"), _ticket("2"), _ticket("3")]
    )
    assert (created, updated) == (1, 2)  # a new body, a lost account link, a new ticket
    assert FeedbackItem.objects.get(external_id="1").body == "Export fails again"
    assert FeedbackItem.objects.get(external_id="2").account is None
    assert len(ids) == 3


def test_text_that_looks_like_copy_syntax_is_stored_exactly(db):
    tricky = ["\\N", "tab\there", "line\nbreak\r\nwindows", "back\\slash \\t", "", "naïve ✓ 引用"]
    records = [_ticket(str(i), body=text) for i, text in enumerate(tricky)]
    assert store.upsert_feedback(records)[0] == len(tricky)
    stored = dict(FeedbackItem.objects.values_list("external_id", "body"))
    assert [stored[str(i)] for i in range(len(tricky))] == tricky
    assert FeedbackItem.objects.get(external_id="0").raw == {"id": "0", "body": "\\N"}
    assert store.upsert_feedback(records) == (0, 0, [])  # and they fingerprint the same way next time


def test_new_rows_are_searchable_at_once(db):
    store.upsert_feedback([_ticket("1", body="Invoices are exported twice")])
    matches = FeedbackItem.objects.filter(fact__document=SearchQuery("invoice", config="english"))
    assert list(matches.values_list("external_id", flat=True)) == ["1"]


def test_a_record_stored_by_another_writer_since_the_lookup_is_updated_not_duplicated(db, monkeypatch):
    # A webhook can store a record between this page's lookup and its COPY: the COPY then fails on the unique
    # key and the page takes the row-by-row conflict path instead.
    store.upsert_feedback([_ticket("1", body="first words")])
    monkeypatch.setattr(feedback_store, "stored_fingerprints", lambda keys: {})
    created, updated, _ids = store.upsert_feedback([_ticket("1", body="second words"), _ticket("2")])
    assert (created, updated) == (1, 1)
    assert FeedbackItem.objects.count() == 2
    assert FeedbackItem.objects.get(external_id="1").body == "second words"


def test_a_batch_with_the_same_record_twice_keeps_the_last_version(db):
    created, _updated, _ids = store.upsert_feedback([_ticket("1", body="old"), _ticket("1", body="new")])
    assert created == 1
    assert FeedbackItem.objects.get(external_id="1").body == "new"
