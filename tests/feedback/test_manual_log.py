from __future__ import annotations

import pytest

from feedback.models import Account, FeedbackItem
from productops.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db):
    return Account.objects.create(
        name="Acme", domain="acme.example", salesforce_id="001ACME", lifecycle="customer"
    )


def test_sales_logs_feedback_on_a_customers_behalf(client_for, acme):
    client = client_for(Role.SALES)
    assert "Log customer feedback" in client.get("/feedback/log/").content.decode()
    response = client.post(
        "/feedback/log/",
        {
            "account": "acme.example",
            "title": "Wants SSO",
            "body": "Their CISO asked for SAML",
            "author": "Dana",
        },
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.source, item.account, item.author, item.logged_by.username) == (
        "manual",
        acme,
        "Dana",
        "user-sales",
    )
    assert "customer" in item.segment_snapshot


def test_an_unknown_account_is_shown_next_to_the_field_and_nothing_is_stored(client_for, acme):
    response = client_for(Role.CSM).post("/feedback/log/", {"account": "Initech", "title": "x", "body": "y"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No account is called &#x27;Initech&#x27;" in html and "has-error" in html
    assert not FeedbackItem.objects.exists()


def test_the_cpo_reads_but_does_not_log(client_for):
    assert client_for(Role.CPO).get("/feedback/log/").status_code == 403
