"""Reads for launch readiness: scores and risk, the board, the validation evidence and the kit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from feedback import cache, facts, segments
from feedback import selectors as feedback_selectors
from feedback.models import Account, FeedbackItem, FeedbackTheme, Source, UsageMetric
from feedback.permissions import can_read_feedback
from feedback.queries import snapshot
from feedback.templatetags.feedback_tags import person
from productops.validation import parse_id
from readiness.models import Category, ChecklistItem, ItemEvent, Release, ReleaseStatus


@dataclass(frozen=True)
class CategoryProgress:
    key: str
    label: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Readiness:
    total: int
    done: int
    overdue: int
    due_within_week: int
    days_to_launch: int
    categories: list[CategoryProgress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def risk_score(self) -> int:
        """Higher is worse. Overdue work counts most; unfinished work weighs more as launch nears.

        10 per overdue item + 3 per item due within a week + up to 40 for the unfinished share, scaled by how much
        of the readiness window has passed. A launched or checklist-less release scores 0.
        """
        if self.total == 0:
            return 0
        window = settings.READINESS_WINDOW_DAYS
        pressure = min(1.0, max(0.0, 1 - self.days_to_launch / window)) if window else 1.0
        unfinished = 1 - self.done / self.total
        return round(10 * self.overdue + 3 * self.due_within_week + 40 * unfinished * pressure)

    @property
    def risk(self) -> str:
        if self.total == 0:
            return "none"
        if (self.overdue and self.days_to_launch <= 14) or self.risk_score >= 30:
            return "high"
        if self.overdue or self.risk_score >= 10:
            return "medium"
        return "low"

    @property
    def headline(self) -> str:
        days = self.days_to_launch
        when = (
            f"in {days} day{'s' * (days != 1)}"
            if days > 0
            else ("today" if days == 0 else f"{-days} days ago")
        )
        return f"Launch {when} with {self.percent}% ready"


def readiness_of(items: list[ChecklistItem], launch_date: date, today: date) -> Readiness:
    """Pure arithmetic over a release's items, so the board can compute it from prefetched rows."""
    open_items = [item for item in items if item.done_at is None]
    categories = []
    for key, label in Category.choices:
        in_category = [item for item in items if item.category == key]
        if in_category:
            done = sum(1 for item in in_category if item.done_at is not None)
            categories.append(CategoryProgress(key, label, done, len(in_category)))
    return Readiness(
        total=len(items),
        done=len(items) - len(open_items),
        overdue=sum(1 for item in open_items if item.due_date < today),
        due_within_week=sum(
            1 for item in open_items if today <= item.due_date <= date.fromordinal(today.toordinal() + 7)
        ),
        days_to_launch=(launch_date - today).days,
        categories=categories,
    )


def release_readiness(release: Release, today: date) -> Readiness:
    return readiness_of(list(release.checklist.all()), release.launch_date, today)


@dataclass
class BoardRow:
    release: Release
    readiness: Readiness
    my_accounts: int


def board(*, today: date, user: Any = None, only_mine: bool = False) -> list[BoardRow]:
    """Upcoming releases, riskiest first. `only_mine`: those touching accounts the user owns as CSM."""
    releases = (
        Release.objects.exclude(status=ReleaseStatus.LAUNCHED)
        .select_related("pm_owner", "product_area")
        .prefetch_related("checklist", "themes")
    )
    with snapshot():  # the counts and the releases they filter from one snapshot
        mine = my_accounts_per_release(user) if user is not None else {}
        if only_mine and user is not None:
            releases = releases.filter(pk__in=list(mine))
        rows = [
            BoardRow(r, readiness_of(list(r.checklist.all()), r.launch_date, today), mine.get(r.pk, 0))
            for r in releases
        ]
    return sorted(rows, key=lambda row: (-row.readiness.risk_score, row.release.launch_date, row.release.pk))


def _readiness_gen() -> str:
    """The versions of the tables the readiness counts read (accounts, affected accounts), in this snapshot."""
    return facts.version_key(facts.state()[1], ("accounts", "affected"))


def my_accounts_per_release(user: Any) -> dict[int, int]:
    """{release id: affected accounts the user owns as CSM}, driven by the user's own accounts (a few thousand at
    most) instead of a join over every affected account of every release; cached under the versions of the
    accounts and affected accounts, read in the caller's snapshot."""
    through = Release.affected_accounts.through

    def compute() -> dict[int, int]:
        rows = (
            through.objects.filter(account__owner_csm=user)
            .order_by()
            .values("release_id")
            .annotate(n=Count("account_id"))
            .values_list("release_id", "n")
        )
        return dict(rows)

    with snapshot():
        return cache.cached("my-accounts", str(user.pk), compute, gen=_readiness_gen())


def checklist_with_history(release: Release) -> QuerySet[ChecklistItem]:
    return release.checklist.select_related("owner", "done_by").prefetch_related(
        Prefetch("events", queryset=ItemEvent.objects.select_related("actor"))
    )


def release_history(release: Release, limit: int = 50) -> QuerySet[ItemEvent]:
    """Changes after the checklist opened (the opening itself is one line on the page, not one per item)."""
    events = ItemEvent.objects.filter(item__release=release).exclude(action=ItemEvent.Action.OPENED)
    return events.select_related("item", "actor")[:limit]


def theme_feedback(release: Release) -> QuerySet[FeedbackItem]:
    """Items tagged with any of the release's themes (a person's untag excluded), each once."""
    tagged = FeedbackTheme.objects.filter(theme__in=release.themes.all(), removed=False).values("item_id")
    return FeedbackItem.objects.filter(pk__in=tagged)


@dataclass
class ValidationEvidence:
    total_items: int
    by_source: list[tuple[str, int]]
    by_segment: list[tuple[str, int]]
    accounts: list[dict[str, Any]]


def validation_evidence(release: Release, *, account_limit: int = 12) -> ValidationEvidence:
    """The feedback behind the release's themes beside the usage of the accounts that asked.

    The counts are read from the fact tables (one scan of the narrow item facts) and cached under the versions of
    the tables they read, in the page's snapshot (feedback.queries.snapshot), like the dashboard's figures; the
    account names and usage are read fresh. While the fact tables are being rebuilt for changed thresholds the
    counts come from the item rows (`evidence_counts_from_items`), cached the same way.
    """
    theme_ids = sorted(theme.pk for theme in release.themes.all())
    with snapshot():
        usable, versions = facts.state()
        compute = evidence_counts_from_facts if usable else evidence_counts_from_items
        key = f"{','.join(map(str, theme_ids))}:{account_limit}:{'facts' if usable else 'items'}"
        gen = facts.version_key(versions)
        counts = cache.cached(
            "evidence", key, lambda: compute(theme_ids, account_limit=account_limit), gen=gen
        )
        by_pk = Account.objects.in_bulk([pk for pk, _n in counts["accounts"]])
        usage = _usage_series(list(by_pk), metric="active_users")
    source_labels = dict(Source.choices)
    labels = {segment.key: segment.label for segment in segments.segments()}
    return ValidationEvidence(
        counts["total"],
        [(source_labels.get(source, source), n) for source, n in counts["by_source"]],
        [(labels.get(key, key), n) for key, n in counts["by_segment"]],
        [
            {"account": by_pk[pk], "asks": n, "usage": usage.get(pk, [])}
            for pk, n in counts["accounts"]
            if pk in by_pk
        ],
    )


def evidence_counts_from_items(theme_ids: list[int], *, account_limit: int = 12) -> dict[str, Any]:
    """Validation evidence counted straight from the item rows (the reference, and the fallback)."""
    tagged = FeedbackTheme.objects.filter(theme_id__in=theme_ids, removed=False).values("item_id")
    items = FeedbackItem.objects.filter(pk__in=tagged)
    by_source = [
        (row["source"], row["n"])
        for row in items.order_by().values("source").annotate(n=Count("id")).order_by("-n", "source")
    ]
    by_segment = []
    for segment in segments.segments():
        count = items.filter(segments.item_q(segment.key)).count()
        if count:
            by_segment.append((segment.key, count))
    asking = (
        Account.objects.filter(feedback__in=items)
        .annotate(asks=Count("feedback", filter=Q(feedback__in=items), distinct=True))
        .order_by("-asks", F("arr").desc(nulls_last=True), "pk")
        .values_list("pk", "asks")[:account_limit]
    )
    return {
        "total": items.count(),
        "by_source": by_source,
        "by_segment": by_segment,
        "accounts": list(asking),
    }


_EVIDENCE_SQL = """
    WITH t AS MATERIALIZED (
        SELECT account_id, source FROM feedback_itemfact
        WHERE themeset = ANY(ARRAY(SELECT id FROM feedback_themeset WHERE theme_ids && %s::bigint[]))
    ), per_class AS (
        SELECT t.source, a.segbits, NULL::bigint AS account_id, count(*) AS n
        FROM t LEFT JOIN feedback_accountfact a ON a.account_id = t.account_id
        GROUP BY t.source, a.segbits
    ), top AS (
        SELECT NULL::varchar AS source, NULL::integer AS segbits, t.account_id, count(*) AS n
        FROM t JOIN feedback_accountfact a ON a.account_id = t.account_id
        GROUP BY t.account_id, a.arr
        ORDER BY n DESC, a.arr DESC NULLS LAST, t.account_id
        LIMIT %s
    )
    SELECT * FROM per_class UNION ALL SELECT * FROM top
"""


def evidence_counts_from_facts(theme_ids: list[int], *, account_limit: int = 12) -> dict[str, Any]:
    """The same counts from the fact tables: items on the themes (live links) per source and account class, and
    the accounts with the most of them, in one statement over the narrow item facts."""
    with connection.cursor() as cursor:
        cursor.execute(_EVIDENCE_SQL, [theme_ids, account_limit])
        rows = cursor.fetchall()
    per_source: dict[str, int] = {}
    per_segment: dict[str, int] = {}
    bits = {segment.key: facts.segment_bit(segment.key) for segment in segments.segments()}
    accounts = []
    for source, segbits, account_id, n in rows:
        if account_id is not None:
            accounts.append((account_id, n))
            continue
        per_source[source] = per_source.get(source, 0) + n
        for key, bit in bits.items():
            if segbits is not None and segbits >= 0 and segbits & bit:
                per_segment[key] = per_segment.get(key, 0) + n
    return {
        "total": sum(per_source.values()),
        "by_source": sorted(per_source.items(), key=lambda pair: (-pair[1], pair[0])),
        "by_segment": [(key, per_segment[key]) for key in bits if per_segment.get(key)],
        "accounts": accounts,
    }


def _usage_series(account_ids: list[int], *, metric: str) -> dict[int, list[float]]:
    series: dict[int, list[float]] = {}
    rows = UsageMetric.objects.filter(account_id__in=account_ids, metric=metric).order_by("date")
    for account_id, value in rows.values_list("account_id", "value"):
        series.setdefault(account_id, []).append(value)
    return series


@dataclass
class HighRiskAccount:
    account: Account
    reasons: list[str]
    quotes: list[FeedbackItem]


@dataclass
class HighRiskList:
    rows: list[HighRiskAccount]
    total: int


def high_risk_accounts(
    release: Release, *, user: Any = None, limit: int = 12, quotes_per_account: int = 2
) -> HighRiskList:
    """Churn-risk or high-ARR accounts that gave feedback on the release's themes, with what they said.

    The viewer's own accounts come first, then by churn risk and ARR; `limit` keeps the kit readable. What they
    said is left out for a viewer who may not read verbatims (feedback.permissions.can_read_feedback).
    """
    if user is not None and not can_read_feedback(user):
        quotes_per_account = 0
    theme_ids = sorted(theme.pk for theme in release.themes.all())  # prefetched by the views
    user_pk = getattr(user, "pk", None)
    with snapshot():
        gen = facts.version_key(facts.state()[1])  # applies this transaction's own fact deltas first
        key = f"{','.join(map(str, theme_ids))}:{user_pk}:{limit}:{quotes_per_account}"
        found = cache.cached(
            "high-risk",
            key,
            lambda: high_risk_ids(theme_ids, user=user, limit=limit, quotes_per_account=quotes_per_account),
            gen=gen,
        )
        by_pk = Account.objects.select_related("owner_csm").in_bulk(found["accounts"])
        quote_ids = [pk for ids in found["quotes"].values() for pk in ids]
        items = FeedbackItem.objects.in_bulk(quote_ids) if quote_ids else {}
    accounts = [by_pk[pk] for pk in found["accounts"] if pk in by_pk]
    quotes = {
        account_id: [items[pk] for pk in ids if pk in items] for account_id, ids in found["quotes"].items()
    }
    high_arr = segments.arr_tiers()[-1][2]
    rows = []
    for account in accounts:
        reasons = []
        if (
            account.churn_risk_score >= settings.CHURN_RISK_SCORE_THRESHOLD
            and account.lifecycle == "customer"
        ):
            reasons.append(f"churn risk {account.churn_risk_score}")
        if account.arr is not None and account.arr >= high_arr:  # an unknown ARR is not high
            reasons.append("high ARR")
        rows.append(HighRiskAccount(account, reasons, quotes.get(account.pk, [])))
    return HighRiskList(rows=rows, total=found["total"])


def high_risk_ids(
    theme_ids: list[int], *, user: Any = None, limit: int = 12, quotes_per_account: int = 2
) -> dict[str, Any]:
    """Which high-risk accounts the kit shows (ids, in order), how many there are, and the ids of their latest
    items on the themes: what `high_risk_accounts` caches under the table versions."""
    high_arr = segments.arr_tiers()[-1][2]
    # Which accounts asked comes from the fact table, not from every item of the themes (seconds at 1M items).
    risky = Account.objects.filter(segments.account_q("churn_risk") | Q(arr__gte=high_arr)).filter(
        pk__in=feedback_selectors.accounts_asking_about(theme_ids)
    )
    mine_first = Case(When(owner_csm=user, then=0), default=1) if user is not None else Value(1)
    account_ids = list(
        risky.order_by(mine_first, "-churn_risk_score", F("arr").desc(nulls_last=True), "pk").values_list(
            "pk", flat=True
        )[:limit]
    )
    quotes: dict[int, list[int]] = {}
    # Driven by the few accounts shown (the items' account index), each item checked for a live theme link.
    live_link = FeedbackTheme.objects.filter(item=OuterRef("pk"), theme_id__in=theme_ids, removed=False)
    latest_per_account = (
        FeedbackItem.objects.filter(account__in=account_ids)
        .filter(Exists(live_link))
        .annotate(rank=Window(RowNumber(), partition_by=F("account_id"), order_by=F("occurred_at").desc()))
        .filter(rank__lte=quotes_per_account)
        .order_by("account_id", "rank")
        .values_list("account_id", "pk")
    )
    for account_id, pk in latest_per_account if quotes_per_account and account_ids else ():
        quotes.setdefault(account_id, []).append(pk)
    return {"accounts": account_ids, "total": risky.count(), "quotes": quotes}


AFFECTED_PAGE_SIZE = 100
NO_OWNER = "none"


def _owner_name(user: Any) -> str:
    return person(user) if user is not None else "No owner"


@dataclass
class OwnerCount:
    key: str  # the owner's id, or NO_OWNER
    name: str
    count: int
    mine: bool


@dataclass
class AffectedAccounts:
    """One page of a release's affected accounts, with the exact total and the count per owner.

    `owner` is the owner shown (an id as text, NO_OWNER, or "" for everyone); `query` narrows by name or domain.
    """

    total: int
    owners: list[OwnerCount]
    owner: str
    showing: str  # "your accounts", "Dana Lee's accounts", "accounts with no owner", "every account"
    query: str
    page: Any  # django.core.paginator.Page of Account


def affected_accounts(
    release: Release,
    *,
    user: Any = None,
    owner: str | None = None,
    query: str = "",
    page: int | str = 1,
    per_page: int = AFFECTED_PAGE_SIZE,
) -> AffectedAccounts:
    """The kit's affected accounts a page at a time, instead of all of them (14-18k at a million items).

    Counts per owner come from one grouped query; the list is the viewer's own accounts when they own any and no
    owner was asked for, else everyone; `owner` picks one owner's (or NO_OWNER), `query` a name or domain.
    """
    with snapshot():
        gen = _readiness_gen()
        accounts = release.affected_accounts.all()
        per_owner: dict[int | None, int] = cache.cached(
            "affected-owners",
            str(release.pk),
            lambda: dict(
                accounts.order_by()
                .values_list("owner_csm_id")
                .annotate(n=Count("id"))
                .values_list("owner_csm_id", "n")
            ),
            gen=gen,
        )
        users = get_user_model().objects.in_bulk([pk for pk in per_owner if pk is not None])
        user_pk = getattr(user, "pk", None)
        owners = [
            OwnerCount(str(pk) if pk is not None else NO_OWNER, _owner_name(users.get(pk)), n, pk == user_pk)
            for pk, n in per_owner.items()
        ]
        owners.sort(key=lambda o: (o.key == NO_OWNER, o.name.lower(), o.key))
        if owner is None:
            owner = str(user_pk) if str(user_pk) in {o.key for o in owners} else ""
        shown = accounts.order_by("name", "pk")
        if owner == NO_OWNER:
            shown = shown.filter(owner_csm__isnull=True)
        elif owner:
            owner_id = parse_id(owner)
            shown = shown.filter(owner_csm_id=owner_id) if owner_id else shown.none()
        query = query.strip()[:100]
        if query:
            shown = shown.filter(Q(name__icontains=query) | Q(domain__icontains=query))

        def page_ids() -> dict[str, Any]:
            found = Paginator(range(shown.count()), per_page).get_page(page)
            first = found.start_index() - 1 if found.paginator.count else 0
            ids = list(shown.values_list("pk", flat=True)[first : first + per_page])
            return {"count": found.paginator.count, "number": found.number, "ids": ids}

        wanted = hashlib.sha1(f"{owner}\0{query}\0{page}".encode()).hexdigest()[:16]  # any text, a safe key
        key = f"{release.pk}:{wanted}:{per_page}"
        found = cache.cached("affected-page", key, page_ids, gen=gen)
        by_pk = Account.objects.select_related("owner_csm").in_bulk(found["ids"])
    shown_page = Paginator(range(found["count"]), per_page).get_page(found["number"])
    shown_page.object_list = [by_pk[pk] for pk in found["ids"] if pk in by_pk]
    if not owner:
        showing = "every account"
    elif owner == NO_OWNER:
        showing = "accounts with no owner"
    elif owner == str(user_pk):
        showing = "your accounts"
    else:
        showing = f"{next((o.name for o in owners if o.key == owner), 'this owner')}'s accounts"
    return AffectedAccounts(
        total=sum(per_owner.values()),
        owners=owners,
        owner=owner,
        showing=showing,
        query=query,
        page=shown_page,
    )
