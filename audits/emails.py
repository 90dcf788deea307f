"""One way to send the audits' emails: an HTML and a text part rendered from a pair of templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def address_of(user: Any) -> str:
    return user.email or f"{user.username}@localhost"


def send_html_mail(*, subject: str, template: str, context: dict[str, Any], to: Any) -> None:
    """`template` names `<template>.txt` and `<template>.html`; both get the same context."""
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address_of(to)])
    message.attach_alternative(html, "text/html")
    message.send()
