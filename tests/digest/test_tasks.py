from __future__ import annotations

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from digest import services
from digest.emails import DigestSendIncomplete
from digest.models import Digest
from digest.tasks import draft_weekly_digest, send_digest
from tests.digest.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_weekly_draft_is_scheduled_in_the_one_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["digest-draft-weekly"]
    assert entry["task"] == "digest.tasks.draft_weekly_digest" and isinstance(entry["schedule"], crontab)


def test_the_draft_task_is_idempotent(world):
    first = draft_weekly_digest()
    assert draft_weekly_digest() == first and Digest.objects.count() == 1


def test_the_send_task_retries_on_a_partial_failure_only():
    assert DigestSendIncomplete in send_digest.autoretry_for and send_digest.max_retries >= 3


def test_the_send_task_sends(world, people):
    services.subscription_update(user=people["sales"], active=True)
    digest = services.digest_publish(
        digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False
    )
    assert send_digest(digest.pk) == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("env", [{"DIGEST_DRAFT_HOUR": "25"}, {"DIGEST_DRAFT_WEEKDAY": "funday"}])
def test_a_bad_draft_schedule_stops_start_up_naming_the_variable(env):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import productops.settings.base"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "DIGEST_DRAFT_WEEKDAY must be" in result.stderr
