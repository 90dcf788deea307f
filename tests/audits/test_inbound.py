"""The inbound log: CSV import with bad rows reported by line; Ask the PM from a release, answered in the portal."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audits import ask_services, inbound_services
from audits.models import InboundQuestion, InboundSource
from readiness.models import Release

CSV = """asked_at,text,team,asker,asked_of,category
2026-02-10,How do I export a dashboard?,sales,sales1@example.com,pm1@example.com,
2026-02-11,,sales,Dana,,
2026-02-12,What is our strategy for EMEA?,cs,Dana,,
not-a-date,When will SSO ship?,sales,Dana,,
2026-02-13,When will SSO ship?,marketing,Dana,,
2026-02-14,Why are we building this?,sales,Dana,nobody@example.com,
2026-02-15,Thanks!,sales,Dana,,status
2026-02-16,Too many,sales,Dana,,,extra
2026-02-17,Pricing question,sales,Dana,,gossip
2099-01-01,From the future,sales,Dana,,
"""


@pytest.fixture(autouse=True)
def rules(db):
    inbound_services.rules_ensure_defaults()


def test_csv_import_reports_bad_rows_by_line_and_keeps_the_good(people):
    result = inbound_services.inbound_import_csv(content=CSV, actor=people["ops"])
    assert result.created == 3
    assert result.errors == [
        (3, "text is empty."),
        (5, "asked_at “not-a-date” is not a date (use YYYY-MM-DD or an ISO date-time)."),
        (6, "team “marketing” is not sales, cs or other."),
        (7, "asked_of “nobody@example.com” is not the email of a portal user."),
        (9, "has more cells than the header."),
        (10, "category “gossip” is not how-to, status or strategy."),
        (11, "asked_at 2099-01-01 is in the future."),
    ]
    rows = {q.text: q for q in InboundQuestion.objects.all()}
    export = rows["How do I export a dashboard?"]
    assert (export.category, export.asked_by, export.asked_of, export.source) == (
        "how_to", people["sales"], people["pm"], InboundSource.CSV,
    )  # fmt: skip
    assert rows["What is our strategy for EMEA?"].team == "cs"
    thanks = rows["Thanks!"]  # no rule matches; the file's class is a person's class
    assert (thanks.rule_category, thanks.override_category, thanks.category) == (
        "unclassified",
        "status",
        "status",
    )


def test_csv_without_the_columns_is_refused_at_line_1(people):
    result = inbound_services.inbound_import_csv(content="when,what\n2026-01-01,x\n", actor=people["ops"])
    assert result.created == 0
    assert result.errors[0][0] == 1 and "missing asked_at, text" in result.errors[0][1]


def test_csv_import_page_lists_bad_lines(people):
    client = Client()
    client.force_login(people["ops"])
    upload = SimpleUploadedFile("log.csv", CSV.encode(), content_type="text/csv")
    response = client.post("/audits/inbound/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rows not imported" in html and "team “marketing” is not sales, cs or other." in html
    assert InboundQuestion.objects.count() == 3


def test_logging_an_empty_question_by_hand_is_refused_at_the_field(people):
    client = Client()
    client.force_login(people["ops"])
    response = client.post("/audits/inbound/add/", {"text": "   ", "team": "sales", "asker_name": "Dana"})
    assert response.status_code == 400
    assert "Write the question." in response.content.decode()
    assert 'value="Dana"' in response.content.decode()
    assert not InboundQuestion.objects.exists()


@pytest.fixture
def release(people):
    return Release.objects.create(name="Reporting 2.0", launch_date=date(2026, 4, 6), pm_owner=people["pm"])


def test_sales_asks_the_pm_from_the_release_page_and_the_pm_answers(
    people, release, django_capture_on_commit_callbacks
):
    sales = Client()
    sales.force_login(people["sales"])
    page = sales.get(f"/readiness/releases/{release.pk}/").content.decode()
    assert "Ask the PM" in page and f'action="/audits/ask/{release.pk}/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = sales.post(
            f"/audits/ask/{release.pk}/",
            {"text": "What is the strategy for <b>EMEA</b>?", "next": f"/readiness/releases/{release.pk}/"},
        )
    assert response.status_code == 302 and response.url == f"/readiness/releases/{release.pk}/"
    question = InboundQuestion.objects.get()
    assert (question.asked_of, question.team, question.category, question.source) == (
        people["pm"], "sales", "strategy", InboundSource.PORTAL,
    )  # fmt: skip
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pm1@example.com"]
    assert "What is the strategy for <b>EMEA</b>?" in mail.outbox[0].body
    assert "&lt;b&gt;EMEA" in mail.outbox[0].alternatives[0][0]  # escaped in the HTML part

    pm = Client()
    pm.force_login(people["pm"])
    inbox = pm.get("/audits/inbox/").content.decode()
    assert "What is the strategy for &lt;b&gt;EMEA&lt;/b&gt;?" in inbox
    response = pm.post(f"/audits/inbox/{question.pk}/answer/", {"answer": "  "})
    assert response.status_code == 400 and "Write the answer." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.post(f"/audits/inbox/{question.pk}/answer/", {"answer": "Lead with data residency."})
    assert response.status_code == 302
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["sales1@example.com"]
    assert "Lead with data residency." in mail.outbox[1].body
    assert "Lead with data residency." in sales.get("/audits/inbox/").content.decode()

    # A retry of either task sends nothing more.
    assert ask_services.notify_pm_of_question(question_id=question.pk) is False
    assert ask_services.notify_asker_of_answer(question_id=question.pk) is False
    assert len(mail.outbox) == 2


def test_only_the_pm_asked_answers(people, release):
    question = ask_services.ask_the_pm(release=release, asker=people["sales"], text="When will it ship?")
    other = Client()
    other.force_login(people["pm2"])
    assert other.post(f"/audits/inbox/{question.pk}/answer/", {"answer": "x"}).status_code == 403


def test_an_empty_question_to_the_pm_is_refused_and_nothing_is_sent(people, release):
    sales = Client()
    sales.force_login(people["sales"])
    response = sales.post(f"/audits/ask/{release.pk}/", {"text": ""})
    assert response.status_code == 400 and "Write the question." in response.content.decode()
    assert not InboundQuestion.objects.exists() and mail.outbox == []


def test_who_sees_the_ask_box(people, release, client_for):
    from productops.roles import Role

    assert "Ask the PM" not in client_for(Role.CPO).get(f"/readiness/releases/{release.pk}/").content.decode()
    csm = Client()
    csm.force_login(people["csm"])
    assert "Ask the PM" in csm.get(f"/readiness/releases/{release.pk}/").content.decode()
    pm = Client()
    pm.force_login(people["pm"])  # the release's own PM does not ask themself
    assert "Ask the PM" not in pm.get(f"/readiness/releases/{release.pk}/").content.decode()
    cpo = Client()
    cpo.force_login(people["cpo"])
    assert cpo.post(f"/audits/ask/{release.pk}/", {"text": "hi?"}).status_code == 403
