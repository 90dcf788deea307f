"""Input checks every app shares, so a bad id or an absurd date is a 400 or a form error, never a 500."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

# PostgreSQL's bigint: an id past it cannot exist, and comparing one can overflow.
MAX_ID = 2**63 - 1
# Dates a person can mean in a filter. Outside them Python's date arithmetic (a day after 9999-12-31) overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def parse_id(raw: object) -> int | None:
    """A positive database id from user input, or None when it is not one (non-numeric, huge, zero, negative)."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_ids(raw_values: list[str]) -> list[int]:
    return [value for value in (parse_id(raw) for raw in raw_values) if value is not None]


def validate_date_in_range(value: date | None) -> None:
    """Form/serializer validator for dates people filter by."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
            code="date_range",
        )
