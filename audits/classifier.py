"""The transparent inbound classifier: ordered phrase / regular-expression rules, first match wins.

Plain functions over plain data so a rule set can be tried on a table of examples without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class CompiledRule:
    id: int | None
    category: str
    kind: str
    pattern: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Match:
    category: str
    rule_id: int | None
    matched_text: str


NO_MATCH = Match(UNCLASSIFIED, None, "")


def regex_error(pattern: str) -> str | None:
    """Why a pattern is not a valid regular expression, or None when it is."""
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        return f"Not a valid regular expression: {exc}."
    return None


def compile_rule(*, id: int | None, category: str, kind: str, pattern: str) -> CompiledRule:
    if kind == "phrase":
        # A phrase matches whole words anywhere, case-insensitively: "eta" must not match "beta".
        words = r"\s+".join(re.escape(word) for word in pattern.split())
        source = rf"(?<!\w){words}(?!\w)"
    else:
        source = pattern
    return CompiledRule(id, category, kind, pattern, re.compile(source, re.IGNORECASE))


def compile_rules(rules: Iterable[object]) -> list[CompiledRule]:
    """Compile model rows (or anything with id/category/kind/pattern). Invalid ones are skipped: the form refuses
    them, but a row edited in the admin must not stop classification for everyone."""
    compiled = []
    for rule in rules:
        try:
            compiled.append(
                compile_rule(id=rule.id, category=rule.category, kind=rule.kind, pattern=rule.pattern)  # type: ignore[attr-defined]
            )
        except re.error:
            continue
    return compiled


def classify(text: str, rules: list[CompiledRule]) -> Match:
    for rule in rules:
        found = rule.regex.search(text)
        if found:
            return Match(rule.category, rule.id, found.group(0)[:300])
    return NO_MATCH
