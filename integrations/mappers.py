"""How to map a kept raw record again, per vendor (used by "retry these" on rejected records)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations.nps.mapping import map_csv_row, map_delighted
from integrations.records import FeedbackRecord
from integrations.registry import connector_for

Mapper = Callable[[Mapping[str, Any]], FeedbackRecord]


def mapper_for(vendor: str, stream: str) -> Mapper:
    if vendor == "nps":
        return map_csv_row if stream == "csv" else map_delighted
    return connector_for(vendor).map_record
