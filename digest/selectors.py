"""Reads for the digest pages, the API and the roadmap."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, Q, QuerySet

from digest.models import SECTION_ORDER, Digest, DigestEntry, DigestStatus, Section
from feedback import permissions as feedback_permissions
from feedback import segments
from feedback.models import Account, FeedbackTheme
from feedback.selectors import THEME_SEGMENTS
from productops.roles import has_any_role

# --- Who may read what -------------------------------------------------------------------------------------------


def can_read_verbatims(user: Any) -> bool:
    """The house rule (feedback.permissions): Sales reads themes, counts, ARR and our notes, never verbatims."""
    rule = getattr(feedback_permissions, "can_read_feedback", None)
    if rule is not None:
        return bool(rule(user))
    return has_any_role(user, feedback_permissions.READ_ROLES)


def owned_account_ids(user: Any) -> set[int]:
    """Accounts a person owns (the account owner, synced from Salesforce). One query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Account.objects.filter(owner_csm_id=user.pk).values_list("pk", flat=True))


# --- What customers are saying -----------------------------------------------------------------------------------

RISING_FACTOR = 1.5
RISING_MIN_ITEMS = 2
RISING_PER_SEGMENT = 4


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def rising_themes(*, until: date, trailing_weeks: int) -> list[dict[str, Any]]:
    """Themes rising in the 7 days before `until` against the weekly average of the `trailing_weeks` before, by segment.

    One function on purpose: the CPO trend report (issue 13) computes rising themes too, and this is the single
    place to swap for its selector once it lands. Counts and accounts only: no customer text.
    """
    week_start = until - timedelta(days=7)
    since = week_start - timedelta(weeks=trailing_weeks)
    this_week = Q(item__occurred_at__gte=_aware(week_start))
    groups = []
    for key, label in THEME_SEGMENTS:
        rows = (
            FeedbackTheme.objects.filter(
                removed=False,
                theme__merged_into__isnull=True,
                item__occurred_at__gte=_aware(since),
                item__occurred_at__lt=_aware(until),
                item__account__in=Account.objects.filter(segments.account_q(key)).values("pk"),
            )
            .values("theme_id", "theme__name")
            .annotate(
                now=Count("item_id", filter=this_week),
                before=Count("item_id", filter=~this_week),
                accounts=Count("item__account_id", filter=this_week, distinct=True),
            )
            .order_by()
        )
        themes = []
        for row in rows:
            average = row["before"] / trailing_weeks if trailing_weeks else 0
            if row["now"] >= RISING_MIN_ITEMS and row["now"] > RISING_FACTOR * average:
                query = urlencode(
                    {"segment": key, "theme": row["theme_id"], "start": week_start.isoformat(),
                     "end": (until - timedelta(days=1)).isoformat()}
                )  # fmt: skip
                themes.append(
                    {
                        "id": row["theme_id"],
                        "name": row["theme__name"],
                        "this_week": row["now"],
                        "weekly_average": round(average, 1),
                        "accounts": row["accounts"],
                        "dashboard_url": f"/feedback/?{query}",
                    }
                )
        themes.sort(key=lambda t: (-(t["this_week"] - t["weekly_average"]), t["name"]))
        groups.append(
            {
                "segment": key,
                "label": label,
                "week_start": week_start.isoformat(),
                "week_end": (until - timedelta(days=1)).isoformat(),
                "trailing_weeks": trailing_weeks,
                "themes": themes[:RISING_PER_SEGMENT],
            }
        )
    return groups


# --- Reading digests ---------------------------------------------------------------------------------------------


def published() -> QuerySet[Digest]:
    return Digest.objects.filter(status=DigestStatus.PUBLISHED).order_by("-year", "-week")


def latest_published() -> Digest | None:
    return published().select_related("published_by").first()


def digest_by_period(year: int, week: int) -> Digest | None:
    return Digest.objects.select_related("published_by").filter(year=year, week=week).first()


def search_published(text: str) -> QuerySet[Digest]:
    """Past digests matching words (PostgreSQL full text, English stemming), best first. A year is ~52 rows."""
    digests = published()
    text = text.strip()
    if not text:
        return digests
    query = SearchQuery(text, search_type="websearch", config="english")
    vector = SearchVector("search_text", config="english")
    return (
        digests.annotate(rank=SearchRank(vector, query))
        .filter(rank__gt=0)
        .order_by("-rank", "-year", "-week")
    )


NAMES_PER_OTHER_OWNER = 8


@dataclass
class OwnerGroup:
    owner: str
    accounts: list[dict[str, Any]]
    total: int
    is_mine: bool

    @property
    def more(self) -> int:
        return self.total - len(self.accounts)

    @property
    def names(self) -> str:
        # Joined here, not in a template loop: a digest of many releases lists thousands of names.
        return ", ".join(account["name"] for account in self.accounts)


@dataclass
class ReaderEntry:
    entry: DigestEntry
    data: dict[str, Any]
    note_html: str
    mine: list[dict[str, Any]] = field(default_factory=list)
    owners: list[OwnerGroup] = field(default_factory=list)


@dataclass
class ReaderSection:
    key: str
    label: str
    entries: list[ReaderEntry]


def reader_sections(
    digest: Digest,
    *,
    user: Any,
    verbatims: bool | None = None,
    entries: list[DigestEntry] | None = None,
    render_notes: Any = None,
    area_slugs: set[str] | None = None,
) -> list[ReaderSection]:
    """The digest's visible entries by section, shaped for one reader.

    Verbatims are removed for readers who may not read them; the reader's own accounts are picked out
    ("your accounts") and their owner group goes first. `render_notes` renders unpublished notes (preview);
    a published digest shows its stored HTML. `area_slugs` narrows release entries to some product areas (email).
    """
    if entries is None:
        entries = list(digest.entries.filter(hidden=False).order_by("position", "id"))
    mine_ids = owned_account_ids(user)
    if verbatims is None:
        verbatims = can_read_verbatims(user)
    by_section: dict[str, list[ReaderEntry]] = OrderedDict((key, []) for key in SECTION_ORDER)
    for entry in entries:
        if entry.hidden:
            continue
        data = dict(entry.data)
        if area_slugs and entry.section != Section.CUSTOMERS_SAYING:
            area = data.get("area") or {}
            if area.get("slug") not in area_slugs:
                continue
        if not verbatims:
            data.pop("verbatims", None)
        note_html = render_notes(entry.note) if render_notes is not None else entry.note_html
        reader = ReaderEntry(entry=entry, data=data, note_html=note_html)
        accounts = (data.get("asked") or {}).get("accounts", [])
        # Ownership is read now, not frozen: if an account changed hands, its new owner is the one to tell.
        reader.mine = [a for a in accounts if a.get("id") in mine_ids]
        groups: dict[str, list[dict[str, Any]]] = {}
        own_group: set[str] = set()
        for account in accounts:
            groups.setdefault(account["owner"], []).append(account)
            if account.get("id") in mine_ids:
                own_group.add(account["owner"])
        # The reader's own group in full; other owners' groups trimmed, which keeps a page of many releases light.
        reader.owners = sorted(
            (
                OwnerGroup(
                    owner,
                    group if owner in own_group else group[:NAMES_PER_OTHER_OWNER],
                    len(group),
                    owner in own_group,
                )
                for owner, group in groups.items()
            ),
            key=lambda g: (not g.is_mine, g.owner == "No owner", g.owner),
        )
        by_section[entry.section].append(reader)
    labels = dict(Section.choices)
    return [ReaderSection(key, labels[key], rows) for key, rows in by_section.items() if rows]


def entry_json(reader: ReaderEntry) -> dict[str, Any]:
    """An entry as the API gives it: the frozen data (verbatims already removed where they must be)."""
    return {
        "id": reader.entry.pk,
        "section": reader.entry.section,
        "release_id": reader.entry.data.get("release_id"),
        "position": reader.entry.position,
        "note_html": reader.note_html,
        "your_accounts": [a["name"] for a in reader.mine],
        "data": reader.data,
    }


def neighbours(digest: Digest) -> tuple[Digest | None, Digest | None]:
    """The published digests just before and after, for the archive arrows."""
    older = published().filter(Q(year__lt=digest.year) | Q(year=digest.year, week__lt=digest.week)).first()
    newer = (
        published()
        .filter(Q(year__gt=digest.year) | Q(year=digest.year, week__gt=digest.week))
        .order_by("year", "week")
        .first()
    )
    return older, newer
