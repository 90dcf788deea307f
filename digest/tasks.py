from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone

from digest.emails import DigestSendIncomplete


@shared_task(
    name="digest.tasks.draft_weekly_digest",
    acks_late=True,
    max_retries=3,
    retry_backoff=True,
    autoretry_for=(ConnectionError, TimeoutError),
)
def draft_weekly_digest() -> int:
    from digest.services import digest_draft

    return digest_draft(today=timezone.localdate()).pk


@shared_task(
    name="digest.tasks.send_digest",
    acks_late=True,
    max_retries=5,
    retry_backoff=60,
    retry_backoff_max=3600,
    # A partial failure retries; the send skips everyone already reached, so a retry never doubles a copy.
    autoretry_for=(DigestSendIncomplete, ConnectionError, TimeoutError, smtplib.SMTPException),
)
def send_digest(digest_id: int) -> int:
    from digest.emails import digest_send

    return digest_send(digest_id=digest_id)
