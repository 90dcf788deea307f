"""Writing CSV that a spreadsheet opens safely, a line at a time (for streamed downloads)."""

from __future__ import annotations


def csv_safe(value: object) -> object:
    """A text cell that would start a spreadsheet formula (= + - @, tab, CR) gets a leading quote: customer and
    account text must never run as one."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class Echo:
    """A file for csv.writer that hands each written line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value
