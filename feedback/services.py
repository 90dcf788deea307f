"""Writes to the feedback store: tagging (by rule and by person), theme edits, merge and split, manual feedback."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from feedback import blockers, dispatch, rules
from feedback import cache as store_cache
from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    ItemKind,
    Opportunity,
    Source,
    TagOrigin,
    Theme,
    ThemeEvent,
    ThemeStatus,
)
from feedback.segments import segments_of

RETAG_BATCH = 5_000


def _rule_themes(theme_ids: Iterable[int] | None = None) -> list[Theme]:
    qs = (
        Theme.objects.filter(merged_into__isnull=True)
        .exclude(status=ThemeStatus.ARCHIVED)
        .exclude(keywords=[])
    )
    if theme_ids is not None:
        qs = qs.filter(pk__in=list(theme_ids))
    return [theme for theme in qs.only("id", "keywords") if theme.keywords]


def _apply_rules(item_ids: list[int], themes: list[Theme]) -> int:
    """Make rule links agree with the rules for these items and themes. Returns the number of links created.

    Only rule-made, live links are created or deleted: a person's tag stays, and a person's untag (a removed
    row) is never turned back on, because any existing row for (item, theme) blocks a new rule link.
    """
    if not item_ids or not themes:
        return 0
    theme_ids = [theme.pk for theme in themes]
    existing: dict[tuple[int, int], tuple[str, bool]] = {
        (item_id, theme_id): (origin, removed)
        for item_id, theme_id, origin, removed in FeedbackTheme.objects.filter(
            item_id__in=item_ids, theme_id__in=theme_ids
        ).values_list("item_id", "theme_id", "origin", "removed")
    }
    to_create: list[FeedbackTheme] = []
    stale: list[tuple[int, int]] = []
    for item_id, title, body in FeedbackItem.objects.filter(pk__in=item_ids).values_list(
        "id", "title", "body"
    ):
        for theme in themes:
            link = existing.get((item_id, theme.pk))
            if rules.matches(theme.keywords, title, body):
                if link is None:
                    to_create.append(FeedbackTheme(item_id=item_id, theme_id=theme.pk, origin=TagOrigin.RULE))
            elif link == (TagOrigin.RULE, False):
                stale.append((item_id, theme.pk))
    FeedbackTheme.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    for theme in themes:
        gone = [item_id for item_id, theme_id in stale if theme_id == theme.pk]
        if gone:
            FeedbackTheme.objects.filter(
                theme_id=theme.pk, item_id__in=gone, origin=TagOrigin.RULE, removed=False
            ).delete()
    return len(to_create)


@transaction.atomic
def tag_items(item_ids: list[int]) -> int:
    """Apply every theme's keyword rules to these (new or changed) items. Called after each sync upsert batch."""
    created = _apply_rules(sorted(set(item_ids)), _rule_themes())
    store_cache.schedule_warm()
    return created


def retag_all_for_theme(
    theme_id: int, *, batch_size: int = RETAG_BATCH, progress: Callable[[int, int], None] | None = None
) -> int:
    """Re-apply one theme's rules to the whole store, in id-ordered batches, recording progress on the theme.

    Each batch commits on its own so a long run shows progress and a crash loses at most one batch.
    """
    theme = Theme.objects.get(pk=theme_id)
    last_id = FeedbackItem.objects.aggregate(last=Max("id"))["last"] or 0
    total = FeedbackItem.objects.count()
    Theme.objects.filter(pk=theme_id).update(
        retag_total=total, retag_done=0, retag_started_at=timezone.now(), retag_finished_at=None
    )
    themes = _rule_themes([theme_id])
    created = done = 0
    after = 0
    while after < last_id:
        ids = list(
            FeedbackItem.objects.filter(pk__gt=after, pk__lte=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        with transaction.atomic():
            if themes:
                created += _apply_rules(ids, themes)
            else:  # rules emptied or theme archived: its rule links go, people's links stay
                FeedbackTheme.objects.filter(
                    theme_id=theme_id, item_id__in=ids, origin=TagOrigin.RULE, removed=False
                ).delete()
            done += len(ids)
            Theme.objects.filter(pk=theme_id).update(retag_done=done)
        after = ids[-1]
        if progress:
            progress(done, total)
    Theme.objects.filter(pk=theme_id).update(retag_done=done, retag_finished_at=timezone.now())
    ThemeEvent.objects.create(theme=theme, action="retagged", detail={"items": done, "created": created})
    return created


def _record(theme: Theme, action: str, user: Any, **detail: Any) -> None:
    ThemeEvent.objects.create(theme=theme, action=action, actor=user, detail=detail)


def _enqueue_retag(theme_id: int) -> None:
    dispatch.on_commit(dispatch.RETAG_THEME, theme_id)


THEME_NAME_TAKEN = "Another theme already has this name."


def theme_name_clean(name: str, *, theme: Theme | None = None) -> str:
    """The one rule for theme names, for the form, the API and the services: trimmed, and unique regardless of
    case ("Reporting" and "reporting" are one theme). Raises ValidationError naming `name`."""
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError({"name": "Enter a name."})
    clash = Theme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": THEME_NAME_TAKEN})
    return name


@transaction.atomic
def theme_create(
    *, name: str, user: Any, description: str = "", keywords: list[str] | str = (), status: str = "active"
) -> Theme:
    name = theme_name_clean(name)
    theme = Theme.objects.create(
        name=name,
        slug=_unique_slug(name),
        description=description,
        keywords=rules.normalize_keywords(list(keywords) if not isinstance(keywords, str) else keywords),
        status=status,
    )
    _record(theme, "created", user, keywords=theme.keywords)
    blockers.theme_link_deals(theme=theme)  # deals the CRM said were blocked by this name, before it existed
    if theme.keywords:
        _enqueue_retag(theme.pk)
    return theme


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "theme"
    slug, n = base, 2
    while Theme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def theme_update(*, theme: Theme, user: Any, **changes: Any) -> Theme:
    """Change name, description, status or keywords. A rule change re-tags the whole store in the background."""
    if "keywords" in changes:
        changes["keywords"] = rules.normalize_keywords(changes["keywords"])
    if "name" in changes:
        changes["name"] = theme_name_clean(changes["name"], theme=theme)
    before = {field: getattr(theme, field) for field in changes}
    for field, value in changes.items():
        setattr(theme, field, value)
    theme.save()
    changed = {f: [before[f], changes[f]] for f in changes if before[f] != changes[f]}
    if changed:
        _record(theme, "updated", user, changes=changed)
    if "keywords" in changed or "status" in changed:
        _enqueue_retag(theme.pk)
    if "name" in changed or "aliases" in changed:
        blockers.theme_link_deals(theme=theme)
    return theme


@transaction.atomic
def tag_by_person(*, item_ids: list[int], theme: Theme, user: Any) -> int:
    """Tag items by hand. Turns a rule link or an earlier untag into a person's tag. Returns items affected."""
    ids = sorted(set(item_ids))
    now = timezone.now()
    updated = FeedbackTheme.objects.filter(theme=theme, item_id__in=ids).update(
        origin=TagOrigin.PERSON,
        tagged_by=user,
        tagged_at=now,
        removed=False,
        removed_by=None,
        removed_at=None,
    )
    have = set(FeedbackTheme.objects.filter(theme=theme, item_id__in=ids).values_list("item_id", flat=True))
    valid = set(FeedbackItem.objects.filter(pk__in=ids).values_list("pk", flat=True))
    FeedbackTheme.objects.bulk_create(
        [
            FeedbackTheme(item_id=i, theme=theme, origin=TagOrigin.PERSON, tagged_by=user, tagged_at=now)
            for i in sorted(valid - have)
        ]
    )
    return updated + len(valid - have)


@transaction.atomic
def untag_by_person(*, item_ids: list[int], theme: Theme, user: Any) -> int:
    """Untag items by hand. The link is kept as removed so no keyword rule tags it again."""
    ids = sorted(set(item_ids))
    now = timezone.now()
    changed = FeedbackTheme.objects.filter(theme=theme, item_id__in=ids, removed=False).update(
        origin=TagOrigin.PERSON, removed=True, removed_by=user, removed_at=now
    )
    have = set(FeedbackTheme.objects.filter(theme=theme, item_id__in=ids).values_list("item_id", flat=True))
    valid = set(FeedbackItem.objects.filter(pk__in=ids).values_list("pk", flat=True))
    # Untagging an item no rule has reached yet still records the decision, so a later rule run respects it.
    FeedbackTheme.objects.bulk_create(
        [
            FeedbackTheme(
                item_id=i,
                theme=theme,
                origin=TagOrigin.PERSON,
                tagged_by=user,
                removed=True,
                removed_by=user,
                removed_at=now,
            )
            for i in sorted(valid - have)
        ]
    )
    return changed


def _move_m2m(through: Any, other: str, merged: Theme, survivor: Theme) -> None:
    """Point every row of an M2M through table at the survivor, without duplicating rows it already has."""
    have = set(through.objects.filter(theme_id=survivor.pk).values_list(other, flat=True))
    moving = set(through.objects.filter(theme_id=merged.pk).values_list(other, flat=True)) - have
    through.objects.bulk_create([through(theme_id=survivor.pk, **{other: pk}) for pk in sorted(moving)])
    through.objects.filter(theme_id=merged.pk).delete()


def _link_rank(link: FeedbackTheme) -> tuple[int, int]:
    # Which of two links for one item survives a merge: a person's decision beats a rule, a live tag beats an untag.
    return (1 if link.origin == TagOrigin.PERSON else 0, 0 if link.removed else 1)


@transaction.atomic
def merge_themes(*, survivor: Theme, merged: Theme, user: Any) -> Theme:
    """Move links, rules, blocked deals, releases and history from `merged` to `survivor`; archive `merged`."""
    if survivor.pk == merged.pk:
        raise ValueError("A theme cannot be merged into itself.")
    survivor = Theme.objects.select_for_update().get(pk=survivor.pk)
    merged = Theme.objects.select_for_update().get(pk=merged.pk)
    theirs = {link.item_id: link for link in FeedbackTheme.objects.filter(theme=merged)}
    ours = {link.item_id: link for link in FeedbackTheme.objects.filter(theme=survivor, item_id__in=theirs)}
    moved = kept = 0
    for item_id, link in theirs.items():
        mine = ours.get(item_id)
        if mine is None:
            continue
        if _link_rank(link) > _link_rank(mine):
            for field in ("origin", "tagged_by_id", "tagged_at", "removed", "removed_by_id", "removed_at"):
                setattr(mine, field, getattr(link, field))
            mine.save()
        kept += 1
    FeedbackTheme.objects.filter(theme=merged, item_id__in=ours).delete()
    moved = FeedbackTheme.objects.filter(theme=merged).update(theme=survivor)
    _move_m2m(Opportunity.blocking_themes.through, "opportunity_id", merged, survivor)
    releases = getattr(merged, "releases", None)  # readiness.Release.themes, once that app defines it
    if releases is not None:
        for release in releases.all():
            release.themes.add(survivor)
            release.themes.remove(merged)
    ThemeEvent.objects.filter(theme=merged).update(theme=survivor)
    Theme.objects.filter(merged_into=merged).update(merged_into=survivor)
    survivor.keywords = rules.normalize_keywords(list(survivor.keywords) + list(merged.keywords))
    if merged.description and merged.description not in survivor.description:
        survivor.description = (survivor.description + "\n\n" + merged.description).strip()
    survivor.save()
    merged.merged_into = survivor
    merged.status = ThemeStatus.ARCHIVED
    merged.keywords = []
    merged.save()
    _record(
        survivor,
        "merged",
        user,
        merged_id=merged.pk,
        merged_name=merged.name,
        links_moved=moved,
        links_combined=kept,
    )
    return survivor


@transaction.atomic
def move_items(*, item_ids: list[int], source: Theme, target: Theme, user: Any) -> int:
    """Split a theme: these items leave `source` (a person's untag) and join `target` (a person's tag)."""
    moved = tag_by_person(item_ids=item_ids, theme=target, user=user)
    untag_by_person(item_ids=item_ids, theme=source, user=user)
    _record(source, "split", user, to_theme=target.pk, to_name=target.name, items=len(set(item_ids)))
    _record(target, "split_in", user, from_theme=source.pk, from_name=source.name, items=len(set(item_ids)))
    return moved


@transaction.atomic
def item_create_manual(
    *,
    account: Account,
    title: str,
    body: str,
    user: Any,
    occurred_at: datetime | None = None,
    url: str = "",
    author: str = "",
    opportunity: Opportunity | None = None,
) -> FeedbackItem:
    """Feedback logged by Sales or CS on a customer's behalf. Rules tag it once the row is committed."""
    now = timezone.now()
    item = FeedbackItem.objects.create(
        source=Source.MANUAL,
        external_id=f"manual-{user.pk}-{now.timestamp():.6f}",
        account=account,
        opportunity=opportunity,
        kind=ItemKind.MANUAL,
        title=title,
        body=body,
        url=url,
        author=author or user.get_full_name() or user.get_username(),
        occurred_at=occurred_at or now,
        segment_snapshot=segments_of(account),
        arr_snapshot=account.arr,  # None when the ARR is unknown
        logged_by=user,
        raw={"logged_by": user.get_username()},
    )
    dispatch.on_commit(dispatch.TAG_ITEMS, [item.pk])
    return item
