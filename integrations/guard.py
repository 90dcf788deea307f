"""Checks on pushed records (the NPS webhook and CSV uploads) before they reach the store.

One bad record must cost only itself: each check here turns what would have failed the whole batch in PostgreSQL
(a NUL byte, an id longer than the column, a date out of range, a value nested a thousand deep) into a reason the
record is kept as a reject for, while the rest of the batch is stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from integrations.records import FeedbackRecord, Rejected

# Deeper than any vendor payload we map; PostgreSQL and orjson refuse far deeper ones with an error for the batch.
MAX_DEPTH = 32
# An NPS comment or CSV field longer than this is not a customer comment.
MAX_TEXT = 65_536
EXTERNAL_ID_MAX = 128  # FeedbackItem.external_id
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def depth(value: Any, *, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of lists and objects, counted without recursion and stopping once past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if not isinstance(current, Mapping | list):
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        children = current.values() if isinstance(current, Mapping) else current
        stack.extend((child, level + 1) for child in children)
    return deepest


def _finite_numbers(value: Any) -> bool:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, float) and not math.isfinite(current):
            return False
        if isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return True


def check_raw(raw: Any) -> None:
    """Raise Rejected when a pushed record cannot be mapped at all: not an object, nested too deep, NaN inside."""
    if not isinstance(raw, Mapping):
        raise Rejected(f"each record must be a JSON object, got {type(raw).__name__}")
    if depth(raw) > MAX_DEPTH:
        raise Rejected(f"nested more than {MAX_DEPTH} levels deep")
    if not _finite_numbers(raw):
        raise Rejected("contains NaN or Infinity, which JSON does not allow")


def check_feedback(record: FeedbackRecord) -> FeedbackRecord:
    """Raise Rejected when a mapped record would not fit the store's columns."""
    if len(record.external_id) > EXTERNAL_ID_MAX:
        raise Rejected(f"id is longer than {EXTERNAL_ID_MAX - 16} characters")
    if not EARLIEST <= record.occurred_at < LATEST:
        raise Rejected(f"date {record.occurred_at.date()} is outside {EARLIEST.year}-{LATEST.year - 1}")
    if len(record.body) > MAX_TEXT:
        raise Rejected(f"comment is longer than {MAX_TEXT} characters")
    return record


# What a mapper raises on a record of the wrong shape (a list where an object belongs, a number too large for a
# date): each is that record's problem, never the batch's.
MAPPING_ERRORS: tuple[type[Exception], ...] = (
    Rejected,
    TypeError,
    ValueError,
    OverflowError,
    AttributeError,
    KeyError,
    RecursionError,
)
