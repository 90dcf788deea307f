"""Keyword rules: when does a theme's rule say an item is about it. Pure functions, no database."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [kw.strip().lower() for kw in keywords if kw and kw.strip()]
    if not words:
        return None
    # A keyword matches at the start of a word and may run on ("report" → "reports", "reporting"), the way people
    # write rules; spaces inside a phrase match any run of whitespace.
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in sorted(words, key=len))
    return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)


def normalize_keywords(raw: list[str] | str) -> list[str]:
    """Accept a list or a comma/newline separated string; lower-case, trimmed, unique, in order."""
    parts = re.split(r"[,\n]", raw) if isinstance(raw, str) else raw
    seen: dict[str, None] = {}
    for part in parts:
        word = " ".join(str(part).split()).lower()
        if word:
            seen.setdefault(word, None)
    return list(seen)


def matches(keywords: list[str] | tuple[str, ...], *texts: str) -> bool:
    pattern = _pattern(tuple(keywords))
    if pattern is None:
        return False
    return any(pattern.search(text or "") for text in texts)
