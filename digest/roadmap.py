"""The roadmap: every planned and in-readiness release in one shape, Now / Next / Later by product area."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from feedback.selectors import theme_list_rows
from readiness import selectors as readiness_selectors
from readiness.models import ProductArea, ReleaseStatus

COLUMNS = [
    ("now", "Now", "In readiness"),
    ("next", "Next", "Planned, through next quarter"),
    ("later", "Later", "Planned, after that"),
]


def end_of_next_quarter(today: date) -> date:
    quarter = (today.month - 1) // 3  # 0..3
    year, next_q = today.year + (quarter + 1) // 4, (quarter + 1) % 4
    # the quarter after next starts here; the day before it ends next quarter
    start_after = date(year + (next_q + 1) // 4, ((next_q + 1) % 4) * 3 + 1, 1)
    return date.fromordinal(start_after.toordinal() - 1)


def column_of(status: str, launch: date, today: date) -> str:
    if status == ReleaseStatus.IN_READINESS:
        return "now"
    return "next" if launch <= end_of_next_quarter(today) else "later"


@dataclass
class Card:
    row: Any  # readiness.selectors.BoardRow: release, readiness, my_accounts
    themes: list[dict[str, Any]]


@dataclass
class AreaRow:
    area: ProductArea | None
    columns: dict[str, list[Card]] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, str, list[Card]]]:
        return [(key, label, self.columns.get(key, [])) for key, label, _hint in COLUMNS]

    @property
    def count(self) -> int:
        return sum(len(cards) for cards in self.columns.values())


def roadmap(
    *, today: date, user: Any, area: ProductArea | None = None, only_mine: bool = False
) -> list[AreaRow]:
    """Rows per product area (areas without releases left out), cards sorted by launch date in each column.

    Readiness comes from readiness.selectors.board; theme reach (accounts, ARR) from feedback's cached theme figures.
    Query count is constant in the number of releases.
    """
    rows = readiness_selectors.board(today=today, user=user, only_mine=only_mine)
    if area is not None:
        rows = [row for row in rows if row.release.product_area_id == area.pk]
    reach = {row["theme"].pk: row for row in theme_list_rows()} if rows else {}
    areas: dict[int | None, AreaRow] = {
        a.pk: AreaRow(a) for a in ProductArea.objects.order_by("position", "name")
    }
    areas[None] = AreaRow(None)
    for row in sorted(rows, key=lambda r: (r.release.launch_date, r.release.name)):
        themes = [
            {
                "name": t.name,
                "accounts": reach.get(t.pk, {}).get("accounts", 0),
                "arr": reach.get(t.pk, {}).get("arr"),
            }
            for t in row.release.themes.all()
        ]
        column = column_of(row.release.status, row.release.launch_date, today)
        target = areas.setdefault(row.release.product_area_id, AreaRow(row.release.product_area))
        target.columns.setdefault(column, []).append(Card(row, themes))
    return [a for a in areas.values() if a.count]
