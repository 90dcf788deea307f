"""Writes for launch readiness. Every change to a checklist item leaves an ItemEvent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from feedback.models import Account, FeedbackTheme
from productops.roles import Role, has_any_role, user_roles
from readiness.default_templates import TEMPLATES
from readiness.models import (
    ChecklistItem,
    ChecklistTemplate,
    FaqEntry,
    FaqEvent,
    ItemEvent,
    ProductArea,
    Release,
    ReleaseStatus,
    ReminderSent,
    TemplateItem,
    Tier,
)

Event = ItemEvent.Action


# A launch date outside these years is a typo (year 1, year 20260), and due dates computed from it would overflow.
EARLIEST_LAUNCH = date(2000, 1, 1)
LATEST_LAUNCH = date(2100, 12, 31)
FROZEN = "This release has launched: its checklist, FAQ and details are frozen."


def validate_launch_date(launch_date: date) -> None:
    """The one rule for launch dates, used by the form, the API serializer and the services."""
    if not EARLIEST_LAUNCH <= launch_date <= LATEST_LAUNCH:
        raise ValidationError(
            {"launch_date": f"Enter a launch date between {EARLIEST_LAUNCH.year} and {LATEST_LAUNCH.year}."}
        )


def is_frozen(release: Release) -> bool:
    """Launched releases are history: nothing on them changes any more."""
    return release.status == ReleaseStatus.LAUNCHED


def _check_not_frozen(release: Release) -> None:
    if is_frozen(release):
        raise PermissionDenied(FROZEN)


def templates_ensure_defaults() -> None:
    for tier, (name, items) in TEMPLATES.items():
        template, created = ChecklistTemplate.objects.get_or_create(tier=tier, defaults={"name": name})
        if created:
            TemplateItem.objects.bulk_create(
                TemplateItem(
                    template=template, title=title, description=description, category=category,
                    owner_role=role, due_offset_days=offset, needs_evidence=evidence, position=position,
                )
                for position, (title, description, category, role, offset, evidence) in enumerate(items)
            )  # fmt: skip


def default_owner(*, release: Release, owner_role: str) -> Any:
    """Who owns an item of a role: the release's PM for PM items, else the first person holding the role."""
    if owner_role == Role.PM:
        return release.pm_owner
    return get_user_model().objects.filter(groups__name=owner_role, is_active=True).order_by("id").first()


@transaction.atomic
def checklist_open(*, release: Release, actor: Any = None) -> list[ChecklistItem]:
    """Open the release's checklist from its tier's template: due dates from offsets, owners by role."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _check_not_frozen(release)
    validate_launch_date(release.launch_date)
    if release.checklist.exists():
        raise ValidationError("The checklist for this release is already open.")
    template = ChecklistTemplate.objects.filter(tier=release.tier).first()
    if template is None:
        raise ValidationError(f"There is no checklist template for {release.get_tier_display()} releases.")
    owners: dict[str, Any] = {}
    items = []
    for template_item in template.items.all():
        if template_item.owner_role not in owners:
            owners[template_item.owner_role] = default_owner(
                release=release, owner_role=template_item.owner_role
            )
        items.append(
            ChecklistItem(
                release=release,
                template_item=template_item,
                title=template_item.title,
                description=template_item.description,
                category=template_item.category,
                owner_role=template_item.owner_role,
                owner=owners[template_item.owner_role],
                due_date=release.launch_date - timedelta(days=template_item.due_offset_days),
                needs_evidence=template_item.needs_evidence,
                position=template_item.position,
            )
        )
    ChecklistItem.objects.bulk_create(items)
    ItemEvent.objects.bulk_create(ItemEvent(item=item, actor=actor, action=Event.OPENED) for item in items)
    release.status = ReleaseStatus.IN_READINESS
    release.checklist_opened_at = timezone.now()
    release.save(update_fields=["status", "checklist_opened_at", "updated_at"])
    return items


def releases_open_due_checklists(*, today: date) -> list[int]:
    """Open the checklist of every planned major release now within the readiness window. Idempotent."""
    horizon = today + timedelta(days=settings.READINESS_WINDOW_DAYS)
    due = Release.objects.filter(
        tier=Tier.MAJOR, status=ReleaseStatus.PLANNED, launch_date__gte=today, launch_date__lte=horizon,
        checklist__isnull=True,
    ).values_list("pk", flat=True)  # fmt: skip
    opened = []
    for release_id in list(due):
        try:
            checklist_open(release=Release.objects.get(pk=release_id))
        except ValidationError:
            continue  # opened meanwhile by hand or by another worker: nothing to do
        opened.append(release_id)
    return opened


def releases_mark_launched(*, today: date) -> int:
    """Releases whose launch date has passed are launched: they leave the board and stop reminders."""
    return (
        Release.objects.exclude(status=ReleaseStatus.LAUNCHED)
        .filter(launch_date__lt=today)
        .update(status=ReleaseStatus.LAUNCHED, updated_at=timezone.now())
    )


@transaction.atomic
def release_save(
    *, release: Release, launch_date: date, actor: Any, themes: Iterable[Any] | None = None
) -> int:
    """Create or edit a release in one transaction. Returns how many open due dates a launch move shifted.

    `release` carries the edited fields but its stored launch date: an edit moves the launch through
    release_set_launch_date so the checklist's open due dates follow it.
    """
    is_new = release.pk is None
    validate_launch_date(launch_date)
    if not is_new:
        _check_not_frozen(Release.objects.select_for_update().get(pk=release.pk))
    if is_new:
        release.launch_date = launch_date
    release.save()
    if themes is not None:
        release.themes.set(themes)
    if is_new:
        release_refresh_affected_accounts(release=release)
        return 0
    return release_set_launch_date(release=release, launch_date=launch_date, actor=actor)


@transaction.atomic
def release_set_launch_date(*, release: Release, launch_date: date, actor: Any) -> int:
    """Move the launch; open items' due dates move by the same number of days. Returns how many moved."""
    validate_launch_date(launch_date)
    shift = launch_date - release.launch_date
    release.launch_date = launch_date
    release.save(update_fields=["launch_date", "updated_at"])
    if not shift:
        return 0
    open_items = list(release.checklist.filter(done_at__isnull=True))
    for item in open_items:
        old = item.due_date
        item.due_date = old + shift
        ItemEvent.objects.create(
            item=item, actor=actor, action=Event.DUE_MOVED, detail=f"{old} → {item.due_date} (launch moved)"
        )
    ChecklistItem.objects.bulk_update(open_items, ["due_date"])
    return len(open_items)


def release_refresh_affected_accounts(*, release: Release) -> int:
    """Set affected accounts to those whose feedback is tagged with the release's themes."""
    account_ids = (
        FeedbackTheme.objects.filter(
            theme__in=release.themes.all(), removed=False, item__account__isnull=False
        )
        .values_list("item__account_id", flat=True)
        .distinct()
    )
    release.affected_accounts.set(Account.objects.filter(pk__in=account_ids))
    return release.affected_accounts.count()


@transaction.atomic
def release_account_add(*, release: Release, account: Account) -> None:
    release.affected_accounts.add(account)


@transaction.atomic
def release_account_remove(*, release: Release, account_id: int) -> None:
    release.affected_accounts.remove(*Account.objects.filter(pk=account_id))


def can_tick(user: Any, item: ChecklistItem) -> bool:
    """Who may tick or untick an item (README, "Launch readiness", rules): its owner; anyone holding its role while
    it has no owner; Product Ops, who run the process. Nobody once the release has launched (checked by callers
    that hold the release: _check_can_tick and the release page)."""
    roles = user_roles(user)
    if Role.PRODUCT_OPS in roles:
        return True
    if item.owner_id is not None:
        return item.owner_id == user.pk
    return item.owner_role in {r.value for r in roles}


def _check_can_tick(user: Any, item: ChecklistItem) -> None:
    _check_not_frozen(item.release)
    if not can_tick(user, item):
        raise PermissionDenied(
            "Only the item's owner (or, while it has none, its role) and Product Ops can change it."
        )


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        URLValidator(schemes=["http", "https"])(url)
    return url


@transaction.atomic
def item_tick(*, item: ChecklistItem, actor: Any, evidence_url: str = "") -> ChecklistItem:
    item = ChecklistItem.objects.select_for_update().select_related("release").get(pk=item.pk)
    _check_can_tick(actor, item)
    try:
        evidence = _clean_url(evidence_url) or item.evidence_url
    except ValidationError as exc:
        raise ValidationError({"evidence_url": "Enter a valid http(s) link."}) from exc
    if item.needs_evidence and not evidence:
        raise ValidationError({"evidence_url": "This item needs a link as evidence before it can be ticked."})
    if item.is_done:
        return item
    if evidence != item.evidence_url:
        ItemEvent.objects.create(item=item, actor=actor, action=Event.EVIDENCE, detail=evidence)
    item.evidence_url = evidence
    item.done_at = timezone.now()
    item.done_by = actor
    item.save(update_fields=["evidence_url", "done_at", "done_by"])
    ItemEvent.objects.create(item=item, actor=actor, action=Event.TICKED)
    return item


@transaction.atomic
def item_untick(*, item: ChecklistItem, actor: Any) -> ChecklistItem:
    item = ChecklistItem.objects.select_for_update().select_related("release").get(pk=item.pk)
    _check_can_tick(actor, item)
    if not item.is_done:
        return item
    item.done_at = None
    item.done_by = None
    item.save(update_fields=["done_at", "done_by"])
    ItemEvent.objects.create(item=item, actor=actor, action=Event.UNTICKED)
    return item


@transaction.atomic
def item_update(
    *, item: ChecklistItem, actor: Any, owner_username: str | None = None, due_date: date | None = None
) -> ChecklistItem:
    """Change an item's owner or due date (PM and Product Ops). Errors name the field."""
    if not has_any_role(actor, [Role.PM, Role.PRODUCT_OPS]):
        raise PermissionDenied("Only PMs and Product Ops change owners and due dates.")
    item = ChecklistItem.objects.select_for_update().select_related("release").get(pk=item.pk)
    _check_not_frozen(item.release)
    if owner_username is not None:
        owner = get_user_model().objects.filter(username=owner_username, is_active=True).first()
        if owner is None:
            raise ValidationError({"owner": f"There is no active user called {owner_username!r}."})
        if not has_any_role(owner, [Role(item.owner_role)]):
            # An owner who does not hold the item's role could tick it without being allowed to (e.g. Sales).
            raise ValidationError(
                {"owner": f"{owner.username} does not hold the item's role ({item.owner_role})."}
            )
        if owner.pk != item.owner_id:
            ItemEvent.objects.create(item=item, actor=actor, action=Event.OWNER, detail=f"→ {owner.username}")
            item.owner = owner
    if due_date is not None and due_date != item.due_date:
        if due_date > item.release.launch_date:
            raise ValidationError(
                {"due_date": f"The due date must be on or before the launch ({item.release.launch_date})."}
            )
        ItemEvent.objects.create(
            item=item, actor=actor, action=Event.DUE_MOVED, detail=f"{item.due_date} → {due_date}"
        )
        item.due_date = due_date
    item.save(update_fields=["owner", "due_date"])
    return item


def reminders_send(*, today: date) -> int:
    """Email each owner one digest of their items due within 3 days or overdue. Never twice per item and day."""
    horizon = today + timedelta(days=settings.READINESS_REMINDER_DAYS)
    items = (
        ChecklistItem.objects.filter(done_at__isnull=True, owner__isnull=False, due_date__lte=horizon)
        .exclude(release__status=ReleaseStatus.LAUNCHED)
        .exclude(reminders__sent_on=today)
        .select_related("owner", "release")
        .order_by("owner_id", "due_date", "id")
    )
    by_owner: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_owner.setdefault(item.owner_id, []).append(item)
    sent = 0
    for owner_items in by_owner.values():
        owner = owner_items[0].owner
        try:
            with transaction.atomic():
                # Claim first: a second worker running the same day hits the unique constraint and sends nothing.
                ReminderSent.objects.bulk_create(
                    [ReminderSent(item=item, recipient=owner, sent_on=today) for item in owner_items]
                )
                _send_reminder(owner, owner_items, today)
        except IntegrityError:
            continue
        sent += 1
    return sent


def _send_reminder(owner: Any, items: list[ChecklistItem], today: date) -> None:
    lines = []
    for item in items:
        when = "OVERDUE since" if item.due_date < today else "due"
        lines.append(f"- [{item.release.name}] {item.title}: {when} {item.due_date}")
    overdue = sum(1 for item in items if item.due_date < today)
    subject = f"Launch readiness: {len(items)} item{'s' * (len(items) != 1)} need you" + (
        f" ({overdue} overdue)" if overdue else ""
    )
    body = "Hi {name},\n\nThese launch-readiness items are yours:\n\n{lines}\n\nTick them off on the release page.\n".format(
        name=owner.get_full_name() or owner.username, lines="\n".join(lines)
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email or f"{owner.username}@localhost"])


FAQ_ROLES = frozenset({Role.PM, Role.PRODUCT_OPS, Role.CSM})


def can_add_faq(user: Any, release: Release) -> bool:
    """PMs, Product Ops and CSMs add FAQ entries, until the release launches."""
    return not is_frozen(release) and has_any_role(user, FAQ_ROLES)


def can_remove_faq(user: Any, entry: FaqEntry, release: Release) -> bool:
    """An entry is removed by whoever wrote it, the release's PM, or Product Ops; never after launch."""
    if is_frozen(release):
        return False
    if has_any_role(user, [Role.PRODUCT_OPS]) or release.pm_owner_id == user.pk:
        return True
    return entry.author_id is not None and entry.author_id == user.pk


@transaction.atomic
def faq_add(
    *, release: Release, question: str, answer: str, for_high_risk: bool = False, actor: Any = None
) -> FaqEntry:
    if actor is not None and not can_add_faq(actor, release):
        raise PermissionDenied(FROZEN if is_frozen(release) else "Your role may not edit the FAQ.")
    # New entries go last so the FAQ reads in the order people wrote it.
    entry = FaqEntry.objects.create(
        release=release,
        question=question,
        answer=answer,
        for_high_risk=for_high_risk,
        position=release.faq.count(),
        author=actor,
    )
    FaqEvent.objects.create(
        release=release,
        entry=entry,
        actor=actor,
        action=FaqEvent.Action.ADDED,
        question=question,
        answer=answer,
    )
    return entry


@transaction.atomic
def faq_remove(*, entry: FaqEntry, actor: Any = None) -> None:
    release = entry.release
    if actor is not None and not can_remove_faq(actor, entry, release):
        raise PermissionDenied(
            FROZEN
            if is_frozen(release)
            else "Only the entry's author, the release's PM or Product Ops remove it."
        )
    FaqEvent.objects.create(
        release=release, entry=None, actor=actor, action=FaqEvent.Action.REMOVED,
        question=entry.question, answer=entry.answer,
    )  # fmt: skip
    entry.delete()


@transaction.atomic
def product_area_save(*, area: ProductArea) -> ProductArea:
    """Create or rename an area; the slug (used in URLs, the API and email filters) follows the name when new."""
    if not area.slug:
        base = slugify(area.name)[:70] or "area"
        slug, n = base, 2
        while ProductArea.objects.filter(slug=slug).exclude(pk=area.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        area.slug = slug
    area.save()
    return area


@transaction.atomic
def product_area_delete(*, area: ProductArea) -> None:
    area.delete()


def product_areas_with_counts() -> list[ProductArea]:
    return list(ProductArea.objects.annotate(release_count=Count("releases")).order_by("position", "name"))
