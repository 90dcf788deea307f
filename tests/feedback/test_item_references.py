"""An item's account and deal are checked as foreign keys would check them, by the store's triggers at commit
(feedback.fact_sql, feedback_fact_check_refs): no item may point at a missing row, and no referenced row may go."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from feedback.models import Account, FeedbackItem, Opportunity
from tests.feedback.races import race


def _item(**fields: object) -> FeedbackItem:
    return FeedbackItem.objects.create(
        source="zendesk", kind="ticket", occurred_at=datetime(2026, 11, 2, tzinfo=UTC), **fields
    )


def _missing_id(model: type) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _commit_checks() -> None:
    """Run what a commit runs (the deferred checks) without leaving the test's transaction."""
    connection.check_constraints()


@pytest.mark.django_db
@pytest.mark.parametrize("field, model", [("account_id", Account), ("opportunity_id", Opportunity)])
def test_an_item_pointing_at_a_missing_row_fails_its_transaction(field, model):
    missing = _missing_id(model)
    expected = rf"Key \({field}\)=\({missing}\) is not present"
    with pytest.raises(IntegrityError, match=expected), transaction.atomic():
        _item(external_id="orphan", **{field: missing})
        _commit_checks()
    assert not FeedbackItem.objects.filter(external_id="orphan").exists()


@pytest.mark.django_db
def test_changing_an_item_to_a_missing_account_fails_and_to_a_real_one_passes():
    first, second = Account.objects.create(name="First"), Account.objects.create(name="Second")
    item = _item(external_id="moving", account=first)
    with pytest.raises(IntegrityError, match="is not present"), transaction.atomic():
        FeedbackItem.objects.filter(pk=item.pk).update(account_id=_missing_id(Account))
        _commit_checks()
    with transaction.atomic():
        FeedbackItem.objects.filter(pk=item.pk).update(account_id=second.pk)
        _commit_checks()
    assert FeedbackItem.objects.get(pk=item.pk).account_id == second.pk


@pytest.mark.django_db
def test_a_referenced_account_or_deal_cannot_be_deleted_behind_django():
    account = Account.objects.create(name="Referenced")
    deal = Opportunity.objects.create(
        salesforce_id="006REF", account=Account.objects.create(name="Deal owner")
    )
    _item(external_id="said", account=account, opportunity=deal)
    _commit_checks()
    for table, pk in (("feedback_account", account.pk), ("feedback_opportunity", deal.pk)):
        expected = rf"Key \(id\)=\({pk}\) is still referenced"
        with (
            pytest.raises(IntegrityError, match=expected),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
            _commit_checks()


@pytest.mark.django_db
def test_django_deletes_still_set_the_items_references_to_null():
    account = Account.objects.create(name="Leaving")
    deal = Opportunity.objects.create(
        salesforce_id="006GONE", account=Account.objects.create(name="Deal owner")
    )
    item = _item(external_id="stays", account=account, opportunity=deal)
    with transaction.atomic():
        account.delete()
        deal.delete()
        _commit_checks()
    item.refresh_from_db()
    assert (item.account_id, item.opportunity_id) == (None, None)


def _delete_account(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_account WHERE id = %s", [pk])


@pytest.mark.django_db(transaction=True)
def test_an_account_deleted_while_an_ingest_points_at_it_waits_and_is_refused():
    account = Account.objects.create(name="Contested")
    outcome = race(lambda: _item(external_id="first", account=account), lambda: _delete_account(account.pk))
    assert outcome["first"] is None
    assert isinstance(outcome["second"], IntegrityError) and "still referenced" in str(outcome["second"])
    assert Account.objects.filter(pk=account.pk).exists()
    assert FeedbackItem.objects.get(external_id="first").account_id == account.pk


@pytest.mark.django_db(transaction=True)
def test_an_ingest_pointing_at_an_account_being_deleted_waits_and_is_refused():
    account = Account.objects.create(name="Contested")
    outcome = race(lambda: _delete_account(account.pk), lambda: _item(external_id="late", account=account))
    assert outcome["first"] is None
    assert isinstance(outcome["second"], IntegrityError) and "is not present" in str(outcome["second"])
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not FeedbackItem.objects.filter(external_id="late").exists()
