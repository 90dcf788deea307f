"""Deals' "blocked by feature" names (as the CRM sends them) ↔ themes.

A name links a deal to the theme whose name, slug or one of whose aliases it equals, ignoring case and surrounding
spaces. Names that match no theme are kept on the deal (Opportunity.blocker_names) so that a theme created,
renamed or given an alias later links those deals without waiting for the CRM to send them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from feedback.models import Opportunity, OpportunityStatus, Theme


def normalize(name: str) -> str:
    return " ".join(str(name).split()).lower()


def theme_keys(theme: Theme) -> set[str]:
    keys = {normalize(theme.name), normalize(theme.slug)}
    keys.update(normalize(alias) for alias in theme.aliases or [] if str(alias).strip())
    return keys - {""}


def themes_by_key() -> dict[str, int]:
    """Every theme key → theme id. Themes are few (hundreds); one query. A merged theme's names lead to the theme
    it was merged into, so a deal naming the old theme links the survivor."""
    by_key: dict[str, int] = {}
    themes = Theme.objects.only("pk", "name", "slug", "aliases", "merged_into_id").order_by(
        F("merged_into_id").asc(nulls_first=True), "pk"
    )
    for theme in themes:  # live themes first: their names win over a merged theme's
        for key in theme_keys(theme):
            by_key.setdefault(key, theme.merged_into_id or theme.pk)
    return by_key


@transaction.atomic
def deals_link_blockers(*, opportunity_ids: Iterable[int]) -> None:
    """Set each deal's blocking themes to those its CRM names match (the CRM field is the source of truth)."""
    by_key = themes_by_key()
    through = Opportunity.blocking_themes.through
    deals = list(Opportunity.objects.filter(pk__in=list(opportunity_ids)).values_list("pk", "blocker_names"))
    if not deals:
        return
    through.objects.filter(opportunity_id__in=[pk for pk, _names in deals]).delete()
    links = {
        (pk, by_key[normalize(name)])
        for pk, names in deals
        for name in names or []
        if normalize(name) in by_key
    }
    through.objects.bulk_create([through(opportunity_id=pk, theme_id=theme_id) for pk, theme_id in links])


@transaction.atomic
def theme_link_deals(*, theme: Theme) -> int:
    """Link the deals whose CRM blocker names match this theme (after it was created, renamed or given an alias).
    Links already there stay. Returns how many deals were newly linked."""
    keys = theme_keys(theme)
    matching = [
        pk
        for pk, names in Opportunity.objects.exclude(blocker_names=[]).values_list("pk", "blocker_names")
        if any(normalize(name) in keys for name in names or [])
    ]
    through = Opportunity.blocking_themes.through
    linked = set(
        through.objects.filter(theme=theme, opportunity_id__in=matching).values_list(
            "opportunity_id", flat=True
        )
    )
    new = [through(opportunity_id=pk, theme_id=theme.pk) for pk in matching if pk not in linked]
    through.objects.bulk_create(new)
    return len(new)


@dataclass
class UnmatchedBlocker:
    name: str
    deals: int
    open_deals: int
    open_amount: Decimal  # known amounts only
    unknown_amounts: int  # open deals with no amount


def unmatched_blockers() -> list[UnmatchedBlocker]:
    """Blocker names on deals that match no theme, most open deals first: what Product Ops should map."""
    by_key = themes_by_key()
    found: dict[str, UnmatchedBlocker] = {}
    rows = Opportunity.objects.exclude(blocker_names=[]).values_list("blocker_names", "status", "amount")
    for names, status, amount in rows:
        for name in {normalize(n): n for n in names or [] if normalize(n)}.values():
            key = normalize(name)
            if key in by_key:
                continue
            entry = found.setdefault(key, UnmatchedBlocker(name.strip(), 0, 0, Decimal(0), 0))
            entry.deals += 1
            if status == OpportunityStatus.OPEN:
                entry.open_deals += 1
                if amount is None:
                    entry.unknown_amounts += 1
                else:
                    entry.open_amount += amount
    return sorted(found.values(), key=lambda u: (-u.open_deals, -u.open_amount, u.name.lower()))


@transaction.atomic
def theme_alias_add(*, theme: Theme, alias: str) -> int:
    """Map a CRM blocker name to a theme: it becomes an alias and the deals naming it link. Returns deals linked."""
    alias = " ".join(alias.split())
    if normalize(alias) not in theme_keys(theme):
        theme.aliases = [*(theme.aliases or []), alias]
        theme.save(update_fields=["aliases", "updated_at"])
    return theme_link_deals(theme=theme)
