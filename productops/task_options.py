"""Celery options shared by the apps' mail-sending and sweep tasks, so retry rules are stated once."""

from __future__ import annotations

import smtplib
from typing import Any

# Retried: only transient errors, a dropped broker/DB/SMTP connection or a timeout. Anything else is a bug, not a
# retry. Every such task is idempotent (a retry mails only those not yet sent), so acks_late is safe.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


def task_options(*, max_retries: int = 3) -> dict[str, Any]:
    return {
        "acks_late": True,
        "max_retries": max_retries,
        "retry_backoff": True,
        "autoretry_for": TRANSIENT_ERRORS,
    }
