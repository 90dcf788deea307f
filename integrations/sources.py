"""Every stream the store is fed from, pulled or pushed, by (vendor, stream): what a retry of rejects maps with."""

from __future__ import annotations

from collections.abc import Callable

from integrations.nps.imports import NpsCsv, NpsWebhook
from integrations.records import Source
from integrations.registry import VENDORS, UnknownVendor, connector_for
from integrations.usage import UsageCsv

PUSHED: dict[tuple[str, str], Callable[[], Source]] = {
    ("nps", "webhook"): NpsWebhook,
    ("nps", "csv"): NpsCsv,
    ("usage", "csv"): UsageCsv,
}


def pushed_label(vendor: str, stream: str) -> str:
    """What the integrations page calls a pushed stream."""
    factory = PUSHED.get((vendor, stream))
    return str(getattr(factory, "label", vendor)) if factory else vendor


def source_for(vendor: str, stream: str) -> Source:
    """The source that maps this stream's raw records. A pulled vendor must be enabled (its client is built)."""
    if (vendor, stream) in PUSHED:
        return PUSHED[(vendor, stream)]()
    if vendor in VENDORS and VENDORS[vendor].stream == stream:
        return connector_for(vendor)
    raise UnknownVendor(f"No source for {vendor}/{stream}")
