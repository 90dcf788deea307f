"""What a digest shows, read from live data and turned into plain JSON-able snapshots (one dict per entry).

These are reads only; digest.services stores them. Readiness comes through readiness.selectors and the customer
voice through feedback/readiness selectors, so the digest never recomputes a score its source pillar owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from digest.models import Section
from digest.selectors import rising_themes
from readiness import selectors as readiness_selectors
from readiness.models import FaqEntry, Release, ReleaseStatus

# Enough accounts for every owner to find theirs; a release asked for by more keeps the biggest by ARR.
ACCOUNTS_PER_ENTRY = 400
VERBATIMS_PER_ENTRY = 3
FAQ_PER_ENTRY = 3
OPEN_ITEMS_PER_CATEGORY = 3


@dataclass
class DraftEntry:
    section: str
    key: str
    data: dict[str, Any]
    release_id: int | None = None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("1")))


def _area(release: Release) -> dict[str, Any] | None:
    area = release.product_area
    return {"id": area.pk, "name": area.name, "slug": area.slug} if area else None


def _release_basics(release: Release) -> dict[str, Any]:
    return {
        "release_id": release.pk,
        "name": release.name,
        "tier": release.get_tier_display(),
        "launch_date": release.launch_date.isoformat(),
        "area": _area(release),
        "themes": [{"id": t.pk, "name": t.name} for t in release.themes.all()],
        "kit_url": reverse("readiness:kit", args=[release.pk]),
        "release_url": reverse("readiness:release", args=[release.pk]),
    }


def _asked(release: Release) -> dict[str, Any]:
    """The accounts that asked (the release's affected accounts, kept by readiness), grouped-ready, with ARR.

    An account whose ARR is unknown (NULL) is counted as unknown, never as $0.
    """
    accounts = release.affected_accounts.all()
    totals = accounts.aggregate(
        n=Count("id"), total_arr=Sum("arr"), unknown=Count("id", filter=Q(arr__isnull=True))
    )
    rows = (
        accounts.order_by(F("arr").desc(nulls_last=True), "name").values(
            "id", "name", "arr", "owner_csm_id", "owner_csm__first_name", "owner_csm__last_name",
            "owner_csm__username",
        )
    )[:ACCOUNTS_PER_ENTRY]  # fmt: skip
    listed = []
    for row in rows:
        owner = " ".join(filter(None, [row["owner_csm__first_name"], row["owner_csm__last_name"]]))
        listed.append(
            {
                "id": row["id"],
                "name": row["name"],
                "arr": _money(row["arr"]),
                "owner_id": row["owner_csm_id"],
                "owner": owner or row["owner_csm__username"] or "No owner",
            }
        )
    return {
        "count": totals["n"],
        "arr": _money(totals["total_arr"]) if totals["n"] else "0",
        "arr_unknown": totals["unknown"],
        "accounts": listed,
    }


def _verbatims(release: Release) -> list[dict[str, Any]]:
    """The latest words of the biggest asking accounts, one per account. Shown only to roles that may read them."""
    latest_per_account = (
        readiness_selectors.theme_feedback(release)
        .filter(account__isnull=False)
        .annotate(rank=Window(RowNumber(), partition_by=F("account_id"), order_by=F("occurred_at").desc()))
        .filter(rank=1)
        .select_related("account")
        .defer("raw")
        .order_by(F("account__arr").desc(nulls_last=True), "-occurred_at")[:VERBATIMS_PER_ENTRY]
    )
    return [
        {
            "text": (item.body or item.title)[:280],
            "account": item.account.name,
            "source": item.get_source_display(),
            "date": item.occurred_at.date().isoformat(),
        }
        for item in latest_per_account
    ]


def _faq(release: Release) -> list[dict[str, str]]:
    entries = FaqEntry.objects.filter(release=release, for_high_risk=False).order_by("position", "id")
    return [{"q": e.question, "a": e.answer} for e in entries[:FAQ_PER_ENTRY]]


def shipping_soon(*, today: date, horizon_weeks: int) -> list[DraftEntry]:
    horizon = today + timedelta(weeks=horizon_weeks)
    rows = [
        row for row in readiness_selectors.board(today=today) if today <= row.release.launch_date <= horizon
    ]
    rows.sort(key=lambda row: (row.release.launch_date, row.release.name, row.release.pk))
    entries = []
    for row in rows:
        release, readiness = row.release, row.readiness
        missing = []
        for category in readiness.categories:
            if category.done < category.total:
                open_titles = [
                    item.title
                    for item in release.checklist.all()
                    if item.category == category.key and item.done_at is None
                ]
                missing.append(
                    {
                        "category": category.label,
                        "open": category.total - category.done,
                        "items": open_titles[:OPEN_ITEMS_PER_CATEGORY],
                    }
                )
        data = {
            **_release_basics(release),
            "status": release.get_status_display(),
            "readiness": {
                "percent": readiness.percent,
                "done": readiness.done,
                "total": readiness.total,
                "overdue": readiness.overdue,
                "risk": readiness.risk,
                "headline": readiness.headline,
            },
            "missing": missing,
            "asked": _asked(release),
            "verbatims": _verbatims(release),
            "positioning": release.customer_change,
            "faq": _faq(release),
        }
        entries.append(DraftEntry(Section.SHIPPING_SOON, f"soon:{release.pk}", data, release.pk))
    return entries


ENABLEMENT = [
    ("help_article_url", "Help article"),
    ("in_app_guide_url", "In-app guide"),
    ("video_url", "Video walkthrough"),
]


def just_launched(*, since: date, today: date) -> list[DraftEntry]:
    releases = (
        Release.objects.filter(launch_date__gte=since, launch_date__lt=today)
        .select_related("product_area")
        .prefetch_related("themes")
        .annotate(faq_count=Count("faq"))
        .order_by("-launch_date", "name")
    )
    entries = []
    for release in releases:
        links = [
            {"label": label, "url": getattr(release, field)}
            for field, label in ENABLEMENT
            if getattr(release, field)
        ]
        missing = [label for field, label in ENABLEMENT if not getattr(release, field)]
        data = {
            **_release_basics(release),
            "enablement": links,
            "enablement_missing": missing,
            "faq_count": release.faq_count,
            "positioning": release.customer_change,
            "asked": _asked(release),
        }
        entries.append(DraftEntry(Section.JUST_LAUNCHED, f"launched:{release.pk}", data, release.pk))
    return entries


def customers_saying(*, today: date, trailing_weeks: int) -> list[DraftEntry]:
    entries = []
    for group in rising_themes(until=today, trailing_weeks=trailing_weeks):
        if group["themes"]:
            entries.append(DraftEntry(Section.CUSTOMERS_SAYING, f"segment:{group['segment']}", group))
    return entries


CHANGE_LABELS = {
    "added": "Added",
    "slipped": "Slipped",
    "moved_earlier": "Moved earlier",
    "readiness": "Readiness",
    "dropped": "Dropped",
}


def changed_since(
    *, previous: list[dict[str, Any]] | None, current: list[DraftEntry], today: date
) -> list[DraftEntry]:
    """Launch dates moved, readiness moves, releases added or dropped, against the previous digest's snapshot.

    `previous` is the data of the previous published digest's "shipping soon" entries (what readers were told).
    """
    if previous is None:
        return []
    before = {entry["release_id"]: entry for entry in previous if entry.get("release_id")}
    now = {entry.release_id: entry.data for entry in current}
    changes: list[DraftEntry] = []

    def add(release_id: int, kind: str, name: str, text: str, **extra: Any) -> None:
        data = {
            "release_id": release_id,
            "kind": kind,
            "kind_label": CHANGE_LABELS[kind],
            "name": name,
            "text": text,
        }
        data.update(extra)
        changes.append(DraftEntry(Section.CHANGED, f"change:{release_id}:{kind}", data, release_id))

    for release_id, data in now.items():
        old = before.get(release_id)
        if old is None:
            add(release_id, "added", data["name"], f"New on the horizon: launches {data['launch_date']}.",
                launch_date=data["launch_date"], area=data["area"])  # fmt: skip
            continue
        if old["launch_date"] != data["launch_date"]:
            later = data["launch_date"] > old["launch_date"]
            kind = "slipped" if later else "moved_earlier"
            verb = "Slipped" if later else "Moved earlier"
            add(release_id, kind, data["name"], f"{verb}: {old['launch_date']} → {data['launch_date']}.",
                old=old["launch_date"], new=data["launch_date"], area=data["area"])  # fmt: skip
        old_pct, new_pct = old["readiness"]["percent"], data["readiness"]["percent"]
        if old_pct != new_pct:
            add(release_id, "readiness", data["name"], f"Readiness {old_pct}% → {new_pct}%.",
                old=old_pct, new=new_pct, area=data["area"])  # fmt: skip
    gone = [release_id for release_id in before if release_id not in now]
    still = {r.pk: r for r in Release.objects.filter(pk__in=gone).only("pk", "name", "launch_date", "status")}
    for release_id in gone:
        old = before[release_id]
        release = still.get(release_id)
        if release is not None and (release.status == ReleaseStatus.LAUNCHED or release.launch_date < today):
            continue  # launched: it is under "Just launched", not a change of plan
        if release is None:
            text = "Dropped: the release was removed from the plan."
        else:
            text = f"Moved out of the next weeks: now launches {release.launch_date.isoformat()}."
        add(release_id, "dropped", old["name"], text, area=old.get("area"))
    return changes
