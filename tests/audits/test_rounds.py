"""Rounds: copies of template questions, one response per person, closing freezes, reminders never twice a day."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audits import services
from audits.answers import AnswerErrors
from audits.models import Participant, Response, RoundReminder, RoundStatus
from productops.roles import Role
from tests.audits.conftest import split_answer


def test_round_copies_the_template_and_its_default_participants(pm_template, people):
    round_ = services.round_create(template=pm_template, name="Q1", created_by=people["ops"])
    assert round_.status == RoundStatus.DRAFT
    assert set(round_.participants.values_list("username", flat=True)) == {"pm1", "pm2", "pm3"}
    first = pm_template.questions.order_by("position").first()
    first.prompt = "Edited later"
    first.save()
    assert (
        round_.questions.order_by("position").first().prompt == "In a typical week, how is your time split?"
    )


def test_participants_by_role_and_by_person(pm_template, people):
    round_ = services.round_create(
        template=pm_template, name="Q1", created_by=people["ops"], roles=[Role.SALES]
    )
    assert list(round_.participants.values_list("username", flat=True)) == ["sales1"]
    services.round_add_participants(round=round_, roles=[Role.CSM], users=[people["pm"]])
    services.round_add_participants(round=round_, roles=[Role.CSM])  # twice: no duplicates
    assert Participant.objects.filter(round=round_).count() == 3


def test_one_response_per_person(pm_round, people):
    services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 30))
    with pytest.raises(ValidationError) as caught:
        services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 40))
    assert "already answered" in caught.value.message_dict["round"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(round=pm_round, user=people["pm"], answers={})
    # Editing is the way to change it, and it stays one row.
    services.response_update(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 40))
    response = Response.objects.get(round=pm_round, user=people["pm"])
    split = pm_round.questions.order_by("position").first()
    assert response.answers[str(split.pk)][split.internal_choice] == 40


def test_bad_percentages_save_nothing(pm_round, people):
    answers = split_answer(pm_round, 30)
    split_key = next(iter(answers))
    first_choice = next(iter(answers[split_key]))
    answers[split_key] = {**answers[split_key], first_choice: 10}  # 30 → 10: the split sums to 80
    with pytest.raises(AnswerErrors) as caught:
        services.response_create(round=pm_round, user=people["pm"], answers=answers)
    assert "add up to 80" in caught.value.errors[split_key]
    assert not Response.objects.exists()


def test_answering_a_round_you_are_not_in(pm_round, people):
    with pytest.raises(ValidationError) as caught:
        services.response_create(round=pm_round, user=people["sales"], answers=split_answer(pm_round, 30))
    assert caught.value.message_dict["round"] == ["You are not a participant of this round."]


def test_a_draft_round_cannot_be_answered(pm_template, people):
    round_ = services.round_create(template=pm_template, name="Q1", created_by=people["ops"])
    with pytest.raises(ValidationError, match="not open yet"):
        services.response_create(round=round_, user=people["pm"], answers=split_answer(round_, 30))


def test_closing_freezes_a_round(pm_round, people):
    services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 30))
    services.round_close(round=pm_round)
    pm_round.refresh_from_db()
    assert pm_round.status == RoundStatus.CLOSED and pm_round.closed_at is not None
    with pytest.raises(ValidationError, match="closed"):
        services.response_update(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 90))
    with pytest.raises(ValidationError, match="closed"):
        services.response_create(round=pm_round, user=people["pm2"], answers=split_answer(pm_round, 10))
    with pytest.raises(ValidationError, match="frozen"):
        services.round_add_participants(round=pm_round, users=[people["sales"]])
    with pytest.raises(ValidationError, match="frozen"):
        services.round_remove_participant(round=pm_round, user_id=people["pm2"].pk)
    with pytest.raises(ValidationError, match="Only an open round"):
        services.round_close(round=pm_round)
    split = pm_round.questions.order_by("position").first()
    assert Response.objects.get(user=people["pm"]).answers[str(split.pk)][split.internal_choice] == 30


def test_opening_needs_participants(pm_template, people):
    round_ = services.round_create(template=pm_template, name="Q1", created_by=people["ops"], roles=[])
    with pytest.raises(ValidationError) as caught:
        services.round_open(round=round_)
    assert "participants" in caught.value.message_dict


def test_reminders_go_to_those_who_have_not_answered_and_never_twice_a_day(pm_round, people):
    services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 30))
    day = date(2026, 3, 2)
    assert services.round_send_reminders(round=pm_round, today=day) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["PM3@example.com", "pm2@example.com"]
    message = mail.outbox[0]
    assert "PM audit" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert f"/audits/rounds/{pm_round.pk}/answer/" in message.body

    assert services.round_send_reminders(round=pm_round, today=day) == 0  # same day: nobody again
    assert len(mail.outbox) == 2
    services.response_create(round=pm_round, user=people["pm2"], answers=split_answer(pm_round, 30))
    assert services.round_send_reminders(round=pm_round, today=date(2026, 3, 3)) == 1  # next day: pm3 only
    assert mail.outbox[-1].to == ["PM3@example.com"]
    assert RoundReminder.objects.filter(round=pm_round).count() == 3


def test_a_failed_send_is_retried_for_that_person_only(pm_round, people, monkeypatch):
    from audits import services as audit_services

    real = audit_services.send_html_mail

    def flaky(**kwargs):
        if kwargs["to"].username == "pm2":
            raise ConnectionError("SMTP dropped")
        real(**kwargs)

    monkeypatch.setattr(audit_services, "send_html_mail", flaky)
    with pytest.raises(ConnectionError):
        services.round_send_reminders(round=pm_round, today=date(2026, 3, 2))
    monkeypatch.setattr(audit_services, "send_html_mail", real)
    assert services.round_send_reminders(round=pm_round, today=date(2026, 3, 2)) == 2  # pm2 and pm3
    assert sorted(m.to[0] for m in mail.outbox) == ["PM3@example.com", "pm1@example.com", "pm2@example.com"]


def test_closed_rounds_send_no_reminders(pm_round):
    services.round_close(round=pm_round)
    assert services.rounds_send_reminders(today=date(2026, 3, 2)) == 0
    assert mail.outbox == []


def test_a_csm_finds_their_open_survey_in_the_inbox(revenue_template, people):
    from django.test import Client

    round_ = services.round_create(template=revenue_template, name="Revenue audit", created_by=people["ops"])
    services.round_open(round=round_)
    csm = Client()
    csm.force_login(people["csm"])
    html = csm.get("/audits/inbox/").content.decode()
    assert f'href="/audits/rounds/{round_.pk}/answer/"' in html and "waiting for your answers" in html
    assert csm.get(f"/audits/rounds/{round_.pk}/answer/").status_code == 200
