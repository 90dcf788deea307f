"""Reads for the cross-functional feedback review: the decision log and the figures of a review pack."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from feedback import queries
from feedback.filters import Cut, aware_day
from feedback.models import FeedbackItem, Theme
from reports import insight
from reports.models import Decision, DecisionOutcome, Review

PACK_SEGMENTS = (
    ("customer", "Paying customers"),
    ("churn_risk", "Churn risk"),
    ("expansion", "Expansion"),
    ("high_priority_deal", "High-priority deals"),
    ("prospect", "Prospects"),
)
THEMES_PER_SEGMENT = 5
VERBATIMS_PER_THEME = 3


def decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related("theme", "owner", "decided_by", "merge_into", "review")


def theme_decisions(theme_id: int, *, limit: int = 20) -> list[Decision]:
    """A theme's decision log, newest first (what the theme page shows)."""
    return list(decisions().filter(theme_id=theme_id)[:limit])


def latest_decisions(theme_ids: list[int]) -> dict[int, Decision]:
    """The decision in force for each theme (the latest one), in one query."""
    rows = (
        decisions()
        .filter(theme_id__in=theme_ids)
        .order_by("theme_id", "-decided_at", "-id")
        .distinct("theme_id")
    )
    return {decision.theme_id: decision for decision in rows}


def open_decisions() -> list[Decision]:
    """Themes whose decision in force is "needs research": still open, to come back to at the next review."""
    rows = decisions().order_by("theme_id", "-decided_at", "-id").distinct("theme_id")
    return sorted(
        (d for d in rows if d.outcome == DecisionOutcome.NEEDS_RESEARCH and d.theme.merged_into_id is None),
        key=lambda d: d.decided_at,
    )


def previous_review(before: datetime | None = None) -> Review | None:
    qs = Review.objects.all()
    if before is not None:
        qs = qs.filter(period_end__lt=before)
    return qs.order_by("-period_end", "-id").first()


_VERBATIMS_SQL = """
    SELECT theme_id, item_id FROM (
        SELECT ft.theme_id, i.id AS item_id,
               ROW_NUMBER() OVER (PARTITION BY ft.theme_id ORDER BY i.occurred_at DESC, i.id DESC) AS n
        FROM feedback_feedbacktheme ft JOIN feedback_feedbackitem i ON i.id = ft.item_id
        WHERE ft.theme_id = ANY(%s) AND NOT ft.removed AND i.occurred_at >= %s AND i.occurred_at < %s
          AND (i.body <> '' OR i.title <> '')
    ) ranked WHERE n <= %s
"""


def verbatim_ids(theme_ids: list[int], start: datetime, end: datetime) -> dict[int, list[int]]:
    """The latest few things customers said about each theme in the period (item ids, newest first)."""
    with connection.cursor() as cursor:
        cursor.execute(_VERBATIMS_SQL, [theme_ids, start, end, VERBATIMS_PER_THEME])
        rows = cursor.fetchall()
    out: dict[int, list[int]] = {}
    for theme_id, item_id in rows:
        out.setdefault(theme_id, []).append(item_id)
    return out


def build_pack(start: datetime, end: datetime) -> dict[str, Any]:
    """The review pack's figures for a period: top themes by segment, each theme's three revenue figures,
    a few verbatims (as item ids, read when shown), new themes. JSON-able, stored with the review."""
    first_day, last_day = start.date(), end.date()
    by_segment = []
    theme_ids: list[int] = []
    for key, label in PACK_SEGMENTS:
        top = queries.top_themes(
            Cut(segments=(key,), start=first_day, end=last_day), limit=THEMES_PER_SEGMENT
        )
        by_segment.append(
            {
                "key": key,
                "label": label,
                "themes": [{"id": t["id"], "items": t["items"], "accounts": t["accounts"]} for t in top],
            }
        )
        theme_ids += [t["id"] for t in top if t["id"] not in theme_ids]
    themes = list(Theme.objects.filter(pk__in=theme_ids).order_by("name"))
    window = insight.Window(start=first_day, end=last_day)
    figures = insight.compute(themes, window, as_of=end) if themes else {"themes": []}
    new_themes = Theme.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
    return {
        "segments": by_segment,
        "figures": {str(row["id"]): row for row in figures["themes"]},
        # Whole days, like the dashboard cuts the pack links to: the day of the last review is in both packs.
        "verbatims": {
            str(k): v
            for k, v in verbatim_ids(
                theme_ids, aware_day(first_day), aware_day(last_day + timedelta(days=1))
            ).items()
        },
        "new_themes": list(new_themes.order_by("created_at").values_list("pk", flat=True)),
        "window": {"start": first_day.isoformat(), "end": last_day.isoformat()},
    }


def pack_context(review: Review, *, can_read_verbatims: bool) -> dict[str, Any]:
    """What the pack page shows: the stored figures, with theme names, verbatims and decisions read now."""
    pack = review.pack or {}
    figures = pack.get("figures", {})
    ids = {int(k) for k in figures} | set(pack.get("new_themes", []))
    names = dict(Theme.objects.filter(pk__in=ids).values_list("pk", "name"))
    items: dict[int, FeedbackItem] = {}
    if can_read_verbatims:
        wanted = [pk for ids_ in pack.get("verbatims", {}).values() for pk in ids_]
        items = {
            item.pk: item
            for item in FeedbackItem.objects.filter(pk__in=wanted).select_related("account").defer("raw")
        }
    window = pack.get("window", {})
    segments = []
    order: list[int] = []
    for segment in pack.get("segments", []):
        rows = []
        for entry in segment["themes"]:
            if entry["id"] not in order:
                order.append(entry["id"])
            rows.append(
                {
                    **entry,
                    "name": names.get(entry["id"], "(deleted theme)"),
                    "figures": figures.get(str(entry["id"]), {}),
                    "cut": Cut(
                        theme_id=entry["id"],
                        segments=(segment["key"],),
                        start=_day(window.get("start")),
                        end=_day(window.get("end")),
                    ).querystring(),
                }
            )
        segments.append({**segment, "themes": rows})
    in_force = latest_decisions(order)
    themes = [
        {
            "id": pk,
            "name": names.get(pk, "(deleted theme)"),
            "figures": figures.get(str(pk), {}),
            "verbatims": [items[i] for i in pack.get("verbatims", {}).get(str(pk), []) if i in items],
            "decision": in_force.get(pk),
        }
        for pk in order
    ]
    return {
        "segments": segments,
        "pack_themes": themes,
        "new_themes": [
            {"id": pk, "name": names.get(pk, "(deleted theme)")} for pk in pack.get("new_themes", [])
        ],
    }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
