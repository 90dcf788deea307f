"""Template helpers for feedback pages. Customer text is escaped first; only our own <mark> tags are trusted."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SOURCE_LETTERS = {
    "salesforce": "SF",
    "zendesk": "ZD",
    "gong": "GO",
    "nps": "NPS",
    "survey": "SV",
    "manual": "M",
}


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    # Match the start of a word and let it run on, so a stemmed search for "reporting" also marks "reports"...
    stems = [re.escape(escape(word[:-3] if len(word) > 6 else word)) for word in words]
    return re.compile(rf"(?<![\w&#])((?:{'|'.join(stems)})\w*)", re.IGNORECASE)


def _window(text: str, terms: list[str], length: int) -> str:
    """The part of `text` around the first search hit, so the highlighted words are visible in the excerpt."""
    if len(text) <= length:
        return text
    lowered = text.lower()
    hits = [lowered.find(t.lower()[:4]) for t in terms if lowered.find(t.lower()[:4]) >= 0]
    start = max(0, min(hits) - length // 3) if hits else 0
    piece = text[start : start + length]
    return ("…" if start else "") + piece + ("…" if start + length < len(text) else "")


@register.simple_tag
def highlight(text: str, terms: list[str] | None = None, length: int = 0) -> SafeString:
    """Escape `text` (optionally cut to an excerpt around the first hit), then wrap search terms in <mark>."""
    text = text or ""
    terms = terms or []
    if length:
        text = _window(text, terms, length)
    escaped = escape(text)
    pattern = _pattern(terms)
    if pattern is None:
        return escaped
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # escaped above; only our <mark> is markup


@register.filter
def source_letters(source: str) -> str:
    return SOURCE_LETTERS.get(source, "?")


@register.filter
def money(value: object) -> str:
    """$1.2M / $350k / $900 — compact ARR for stat tiles and tables. None is an amount nobody knows, not $0."""
    if value is None:
        return "unknown"
    try:
        amount = float(value or 0)
    except (TypeError, ValueError):
        return "—"
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:,.1f}M"
    if amount >= 10_000:
        return f"${amount / 1_000:,.0f}k"
    return f"${amount:,.0f}"


@register.simple_tag
def querystring_for(cut: object, **override: object) -> str:
    return "?" + cut.querystring(**override)  # type: ignore[attr-defined]


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def person(user: object) -> str:
    """A user as a name people recognise: the full name, else the username, else the email; "—" for nobody."""
    if user is None:
        return "—"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or getattr(user, "username", "") or getattr(user, "email", "") or "—"
