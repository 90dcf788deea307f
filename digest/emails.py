"""The digest by email: one message per subscriber (HTML + text), sent at most once per digest and recipient."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from digest.models import Digest, DigestDelivery, DigestSubscription
from digest.selectors import can_read_verbatims, reader_sections

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "digest.unsubscribe"


class DigestSendIncomplete(Exception):
    """Some recipients could not be reached; a retry sends to them only."""


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def build_message(digest: Digest, subscription: DigestSubscription) -> EmailMultiAlternatives | None:
    """The message for one subscriber, or None when nothing in the digest is in their product areas."""
    user = subscription.user
    areas = {area.slug for area in subscription.product_areas.all()}
    sections = reader_sections(digest, user=user, area_slugs=areas or None)
    if not any(s.key != "customers_saying" for s in sections) and areas:
        return None
    unsubscribe_url = absolute(reverse("digest:unsubscribe", args=[unsubscribe_token(user.pk)]))
    context: dict[str, Any] = {
        "digest": digest,
        "sections": sections,
        "reader": user,
        "show_verbatims": can_read_verbatims(user),
        "page_url": absolute(reverse("digest:period", args=[digest.period])),
        "roadmap_url": absolute(reverse("roadmap")),
        "subscription_url": absolute(reverse("digest:subscription")),
        "unsubscribe_url": unsubscribe_url,
        "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
        "areas": sorted(area.name for area in subscription.product_areas.all()),
    }
    message = EmailMultiAlternatives(
        subject=f"Product digest, week {digest.week} of {digest.year}",
        body=render_to_string("digest/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email or f"{user.username}@localhost"],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link; the person needs no login.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("digest/email.html", context), "text/html")
    return message


TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def digest_send(*, digest_id: int) -> int:
    """Email a published digest to every active subscriber who does not have it yet. Returns how many were sent.

    Per recipient: claim (DigestDelivery row) and send in one transaction, so a failed send releases the claim and
    a concurrent worker's duplicate claim fails on the unique constraint. Failures do not stop the others; at the
    end they raise DigestSendIncomplete, which the task retries, reaching only those still without it.
    """
    digest = Digest.objects.filter(pk=digest_id, status="published").first()
    if digest is None:
        return 0
    pending = (
        DigestSubscription.objects.filter(active=True, user__is_active=True)
        .exclude(user__in=DigestDelivery.objects.filter(digest=digest).values("recipient"))
        .select_related("user")
        .prefetch_related("product_areas")
        .order_by("user_id")
    )
    sent, failed = 0, []
    for subscription in pending:
        message = build_message(digest, subscription)
        if message is None:
            continue
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(digest=digest, recipient=subscription.user)
                message.send()
        except IntegrityError:
            continue  # another worker sent it meanwhile
        except TRANSIENT as exc:
            log.warning("digest %s to user %s failed: %s", digest.period, subscription.user_id, exc)
            failed.append(subscription.user_id)
            continue
        sent += 1
    if failed:
        raise DigestSendIncomplete(
            f"{len(failed)} recipient(s) of digest {digest.period} not reached yet: {failed}"
        )
    return sent
