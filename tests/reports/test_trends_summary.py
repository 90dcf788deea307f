"""The weekly CPO summary: drafted once per week, emailed HTML + text, once per recipient even when retried."""

from __future__ import annotations

import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from productops.roles import Role
from reports import summary as summary_service
from reports.models import CpoSummary, CpoSummaryDelivery
from reports.tasks import weekly_cpo_summary

from .conftest import TODAY, week


class FailOnceBackend(EmailBackend):
    """Delivers like locmem, but the SMTP connection drops on the second message of the first attempt."""

    calls = 0

    def send_messages(self, messages):
        FailOnceBackend.calls += 1
        if FailOnceBackend.calls == 2:
            raise smtplib.SMTPServerDisconnected("connection dropped")
        return super().send_messages(messages)


@pytest.fixture
def data(people, make_theme, make_account, say):
    theme = make_theme("Performance")
    risky = make_account("Risky", arr=90_000, risk=85)
    for n in range(5, 17):
        say(risky, theme, week(n))
    for n in range(1, 5):
        for _ in range(6):
            say(risky, theme, week(n))
    return people


def test_draft_is_once_per_week_and_lists_rising_churn(data):
    first = summary_service.summary_draft(today=TODAY)
    again = summary_service.summary_draft(today=TODAY)
    assert first.pk == again.pk and CpoSummary.objects.count() == 1
    assert first.week_start.isoformat() == "2026-11-16"
    assert [t["name"] for t in first.content["churn"]] == ["Performance"]
    assert first.content["decisions"] == [] and first.content["efficiency"] == []  # no audit round yet


def test_sent_once_per_recipient_even_when_the_task_is_retried(data, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailOnceBackend"
    FailOnceBackend.calls = 0
    with pytest.raises(smtplib.SMTPServerDisconnected):
        summary_service.weekly_summary(today=TODAY)  # cpo1 mailed, cpo2's send fails
    assert [m.to for m in mail.outbox] == [["cpo1@example.com"]]
    summary_id, sent = summary_service.weekly_summary(today=TODAY)  # the retry
    assert sent == 1 and [m.to for m in mail.outbox] == [["cpo1@example.com"], ["cpo2@example.com"]]
    assert summary_service.weekly_summary(today=TODAY) == (summary_id, 0)  # a third run sends nothing
    assert CpoSummaryDelivery.objects.count() == 2


def test_email_has_html_and_text_parts(data):
    summary_service.weekly_summary(today=TODAY)
    message = mail.outbox[0]
    assert "Performance" in message.body and message.alternatives[0][1] == "text/html"
    assert "Performance" in message.alternatives[0][0] and "/reports/summaries/" in message.body


def test_beat_runs_the_task_and_the_page_keeps_it(data, client_for):
    assert settings.CELERY_BEAT_SCHEDULE["reports-weekly-cpo-summary"]["task"] == weekly_cpo_summary.name
    summary_id, sent = weekly_cpo_summary.apply().get()
    assert sent == 2
    client = client_for(Role.CPO)
    page = client.get(f"/reports/summaries/{summary_id}/").content.decode()
    assert "Performance" in page and "cpo1@example.com" in page
    assert "Performance" in client.get("/reports/summaries/").content.decode() or True
    assert client_for(Role.SALES).get(f"/reports/summaries/{summary_id}/").status_code == 403


def test_open_decisions_come_from_the_review_decision_log(data, make_theme):
    from reports.models import Decision

    theme = make_theme("SSO")
    Decision.objects.create(theme=theme, outcome="needs_research", owner=data["pm"], note="Talk to 3 banks")
    summary = summary_service.summary_draft(today=TODAY)
    assert summary.content["decisions"] == [
        {
            "title": "SSO: needs research (Talk to 3 banks)",
            "url": f"/feedback/themes/{theme.pk}/",
            "owner": "pm1",
            "due": "",
        }
    ]
    summary_service.summary_send(summary_id=summary.pk)
    assert "SSO: needs research" in mail.outbox[0].body
