from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from digest import services
from digest.emails import DigestSendIncomplete, digest_send, unsubscribe_token
from digest.models import DigestDelivery, DigestSubscription
from tests.digest import backends
from tests.digest.conftest import TODAY, VERBATIM

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, people):
    for key in ("sales", "csm", "pm"):
        services.subscription_update(user=people[key], active=True)
    return services.digest_publish(
        digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False
    )


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_each_subscriber_gets_html_and_text_with_a_link_back_and_one_click_unsubscribe(published, people):
    assert digest_send(digest_id=published.pk) == 3
    (message,) = _to("sales1@example.com")
    assert message.subject == "Product digest, week 10 of 2026"
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    for part in (message.body, html):
        assert "Reporting 2.0" in part and "http://127.0.0.1:8000/digest/2026-10/" in part
        assert "/digest/unsubscribe/" in part and "Globex" in part  # the reader's own account
        assert VERBATIM not in part  # Sales never gets verbatims, by email either
    assert "YOUR ACCOUNTS THAT ASKED: Globex" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/digest/unsubscribe/")
    (pm_message,) = _to("pm1@example.com")
    assert VERBATIM in pm_message.body


def test_a_retry_after_a_partial_failure_sends_only_to_those_not_yet_reached(published, settings):
    settings.EMAIL_BACKEND = "tests.digest.backends.FlakyBackend"
    backends.FAIL_ONCE.add("csm1@example.com")
    with pytest.raises(DigestSendIncomplete):
        digest_send(digest_id=published.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["pm1@example.com", "sales1@example.com"]
    assert digest_send(digest_id=published.pk) == 1
    assert digest_send(digest_id=published.pk) == 0  # a third delivery of the task sends nothing
    assert sorted(m.to[0] for m in mail.outbox) == [
        "csm1@example.com",
        "pm1@example.com",
        "sales1@example.com",
    ]
    assert DigestDelivery.objects.filter(digest=published).count() == 3


def test_one_click_unsubscribe_without_login_is_honoured(published, people):
    client = Client()  # not logged in, as a mail client would be
    url = f"/digest/unsubscribe/{unsubscribe_token(people['sales'].pk)}/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Unsubscribe" in confirm.content.decode()
    assert DigestSubscription.objects.get(user=people["sales"]).active  # a GET (link scanner) changes nothing
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert not DigestSubscription.objects.get(user=people["sales"]).active
    digest_send(digest_id=published.pk)
    assert not _to("sales1@example.com") and len(mail.outbox) == 2
    assert Client().post("/digest/unsubscribe/forged-token/").status_code == 400


def test_a_subscriber_to_some_areas_gets_only_those(published, people, areas):
    sub = services.subscription_update(user=people["sales"], active=True, product_areas=[areas["mobile"]])
    digest_send(digest_id=published.pk)
    assert not _to("sales1@example.com")  # nothing in Mobile this week
    sub.product_areas.set([areas["reporting"]])
    digest_send(digest_id=published.pk)
    (message,) = _to("sales1@example.com")
    assert "Reporting 2.0" in message.body and "Bare launch" not in message.body


def test_a_draft_is_never_sent(world, people):
    services.subscription_update(user=people["sales"], active=True)
    draft = services.digest_draft(today=TODAY)
    assert digest_send(digest_id=draft.pk) == 0 and not mail.outbox


def test_people_subscribe_themselves_on_the_page(world, people, areas):
    from tests.digest.conftest import client_for_user

    client = client_for_user(people["sales"])
    assert (
        client.post(
            "/digest/subscription/", {"active": "on", "product_areas": [areas["mobile"].pk]}
        ).status_code
        == 302
    )
    sub = DigestSubscription.objects.get(user=people["sales"])
    assert sub.active and list(sub.product_areas.all()) == [areas["mobile"]]
    bad = client.post("/digest/subscription/", {"active": "on", "product_areas": ["999999"]})
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
