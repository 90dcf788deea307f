"""Writes for the digest: draft (by beat or "draft now"), edit, publish, subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from digest import drafting
from digest.markdown import render_markdown
from digest.models import Digest, DigestEntry, DigestStatus, DigestSubscription, Section


class DigestLocked(ValidationError):
    """The digest is published: its content is frozen."""


def period_for_drafting(today: date) -> tuple[int, int]:
    """This ISO week, unless its digest is already out: then the next one."""
    year, week, _day = today.isocalendar()
    if Digest.objects.filter(year=year, week=week, status=DigestStatus.PUBLISHED).exists():
        year, week, _day = (today + timedelta(days=7 - today.weekday())).isocalendar()
    return year, week


@transaction.atomic
def digest_draft(*, today: date, year: int | None = None, week: int | None = None) -> Digest:
    """Draft (or re-draft) a week's digest from live data. Idempotent; a published digest is never touched.

    A re-draft refreshes each entry's data and keeps what Product Ops did to it (note, order, hidden), matched by
    the entry's key; entries that no longer apply go, new ones are added at the end of their section.
    """
    if year is None or week is None:
        year, week = period_for_drafting(today)
    horizon = settings.DIGEST_HORIZON_WEEKS
    previous = Digest.objects.filter(status=DigestStatus.PUBLISHED).exclude(year__gt=year)
    previous = previous.exclude(year=year, week__gte=week).order_by("-year", "-week").first()
    digest, _created = Digest.objects.select_for_update().get_or_create(
        year=year,
        week=week,
        defaults={"as_of": today, "horizon_weeks": horizon, "drafted_at": timezone.now()},
    )
    if digest.is_published:
        return digest
    since = previous.as_of if previous else today - timedelta(days=7)
    soon = drafting.shipping_soon(today=today, horizon_weeks=horizon)
    previous_soon = (
        [e.data for e in previous.entries.filter(section=Section.SHIPPING_SOON)] if previous else None
    )
    drafted = [
        *soon,
        *drafting.just_launched(since=since, today=today),
        *drafting.customers_saying(today=today, trailing_weeks=settings.DIGEST_TRAILING_WEEKS),
        *drafting.changed_since(previous=previous_soon, current=soon, today=today),
    ]
    existing = {entry.key: entry for entry in digest.entries.all()}
    # Positions count within a section (sections have a fixed order); new entries go after the section's last one.
    next_position: dict[str, int] = {}
    for entry in existing.values():
        next_position[entry.section] = max(next_position.get(entry.section, 0), entry.position + 1)
    keep: set[str] = set()
    to_create, to_update = [], []
    for draft in drafted:
        keep.add(draft.key)
        entry = existing.get(draft.key)
        if entry is not None:
            entry.data, entry.release_id = draft.data, draft.release_id
            to_update.append(entry)
            continue
        position = next_position.get(draft.section, 0)
        next_position[draft.section] = position + 1
        to_create.append(
            DigestEntry(
                digest=digest, section=draft.section, key=draft.key, release_id=draft.release_id,
                data=draft.data, position=position,
            )
        )  # fmt: skip
    DigestEntry.objects.filter(digest=digest).exclude(key__in=keep).delete()
    DigestEntry.objects.bulk_update(to_update, ["data", "release"])
    DigestEntry.objects.bulk_create(to_create)
    digest.as_of, digest.horizon_weeks, digest.previous = today, horizon, previous
    digest.drafted_at = timezone.now()
    digest.save(update_fields=["as_of", "horizon_weeks", "previous", "drafted_at", "updated_at"])
    return digest


def _check_editable(digest: Digest) -> None:
    if digest.is_published:
        raise DigestLocked(
            f"The digest for {digest.period} is published: its content is frozen and cannot be edited."
        )


@dataclass
class EntryEdit:
    entry_id: int
    note: str
    hidden: bool
    position: int


@transaction.atomic
def digest_save_edits(
    *, digest: Digest, intro: str, edits: list[EntryEdit], move: tuple[int, int] | None = None
) -> Digest:
    """Save the intro and every entry's note / hidden / position; `move` = (entry id, -1 up | +1 down)."""
    digest = Digest.objects.select_for_update().get(pk=digest.pk)
    _check_editable(digest)
    entries = {entry.pk: entry for entry in digest.entries.all()}
    for edit in edits:
        entry = entries.get(edit.entry_id)
        if entry is None:
            raise ValidationError({"entries": f"Entry {edit.entry_id} is not part of this digest."})
        entry.note, entry.hidden, entry.position = edit.note, edit.hidden, edit.position
    if move is not None and move[0] in entries:
        _move(list(entries.values()), entries[move[0]], move[1])
    DigestEntry.objects.bulk_update(list(entries.values()), ["note", "hidden", "position"])
    digest.intro = intro
    digest.save(update_fields=["intro", "updated_at"])
    return digest


def _move(entries: list[DigestEntry], entry: DigestEntry, step: int) -> None:
    """Swap an entry with its neighbour in the same section, then renumber that section 0..n."""
    section = sorted((e for e in entries if e.section == entry.section), key=lambda e: (e.position, e.pk))
    index = section.index(entry)
    other = index + step
    if 0 <= other < len(section):
        section[index], section[other] = section[other], section[index]
    for n, item in enumerate(section):
        item.position = n


def _search_text(digest: Digest, entries: list[DigestEntry]) -> str:
    """What archive search matches: our words and the release / theme names, never customer verbatims."""
    parts = [digest.intro]
    for entry in entries:
        data = entry.data
        parts += [entry.note, data.get("name", ""), data.get("label", ""), data.get("text", "")]
        parts += [data.get("positioning", "")]
        parts += [theme.get("name", "") for theme in data.get("themes", [])]
        parts += [(data.get("area") or {}).get("name", "")]
    return "\n".join(p for p in parts if p)


@transaction.atomic
def digest_publish(*, digest: Digest, actor: Any, notify: bool = True) -> Digest:
    """Freeze the digest (render our Markdown once, store it) and queue the email to subscribers."""
    digest = Digest.objects.select_for_update().get(pk=digest.pk)
    if digest.is_published:
        raise DigestLocked(
            f"The digest for {digest.period} was already published on {digest.published_at:%b %-d, %Y}."
        )
    entries = list(digest.entries.all())
    visible = [entry for entry in entries if not entry.hidden]
    if not visible:
        raise ValidationError(
            "This digest has nothing to show: un-hide an entry or draft it again before publishing."
        )
    for entry in entries:
        entry.note_html = render_markdown(entry.note)
    DigestEntry.objects.bulk_update(entries, ["note_html"])
    digest.intro_html = render_markdown(digest.intro)
    digest.search_text = _search_text(digest, visible)
    digest.status = DigestStatus.PUBLISHED
    digest.published_at = timezone.now()
    digest.published_by = actor
    digest.save()
    if notify:
        from digest.tasks import send_digest

        transaction.on_commit(lambda: send_digest.delay(digest.pk))
    return digest


@transaction.atomic
def subscription_update(
    *, user: Any, active: bool, product_areas: list[Any] | None = None
) -> DigestSubscription:
    subscription, _ = DigestSubscription.objects.select_for_update().get_or_create(user=user)
    subscription.active = active
    subscription.save()
    if product_areas is not None:
        subscription.product_areas.set(product_areas)
    return subscription


@transaction.atomic
def subscription_stop(*, user_id: int) -> bool:
    """One-click unsubscribe. Returns whether anything changed (a second click is fine)."""
    return bool(DigestSubscription.objects.filter(user_id=user_id, active=True).update(active=False))
