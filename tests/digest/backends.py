"""An email backend that refuses one address once, like an SMTP server dropping a recipient mid-send."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend

FAIL_ONCE: set[str] = set()


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            for address in message.to:
                if address in FAIL_ONCE:
                    FAIL_ONCE.discard(address)
                    raise smtplib.SMTPRecipientsRefused({address: (451, b"try again later")})
        return super().send_messages(messages)
