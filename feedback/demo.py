"""Deterministic demo data: the same seed and anchor date always give the same store.

Used by `manage.py seed_demo`, by `make run` on an empty database, and by the benchmarks (up to millions of items).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from feedback import demo_catalogue as cat
from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    ItemKind,
    Lifecycle,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    Source,
    TagOrigin,
    Theme,
    UsageMetric,
)
from feedback.segments import segments_of
from productops.bulk import allocate_ids, insert_rows

MAX_ACCOUNTS = 1_000_000
MAX_ITEMS = 20_000_000
ITEM_CHUNK = 5_000
USAGE_METRICS = ("active_users", "logins", "reports_created")
USAGE_WEEKS = 13

# Source mix of generated feedback, in percent.
SOURCE_WEIGHTS: list[tuple[str, int]] = [
    (Source.ZENDESK, 40),
    (Source.SALESFORCE, 18),
    (Source.GONG, 15),
    (Source.NPS, 20),
    (Source.SURVEY, 3),
    (Source.MANUAL, 4),
]
KIND_BY_SOURCE = {
    Source.ZENDESK: ItemKind.TICKET,
    Source.SALESFORCE: ItemKind.NOTE,
    Source.GONG: ItemKind.CALL,
    Source.NPS: ItemKind.NPS_RESPONSE,
    Source.SURVEY: ItemKind.SURVEY_ANSWER,
    Source.MANUAL: ItemKind.MANUAL,
}
URL_BY_SOURCE = {
    Source.ZENDESK: "https://demo.zendesk.com/agent/tickets/{n}",
    Source.SALESFORCE: "https://demo.my.salesforce.com/{n}",
    Source.GONG: "https://app.gong.io/call?id={n}",
    Source.NPS: "https://app.delighted.com/responses/{n}",
    Source.SURVEY: "",
    Source.MANUAL: "",
}


class DemoDataError(ValueError):
    """Bad arguments for the demo data generator."""


@dataclass(frozen=True)
class DemoOptions:
    accounts: int = 300
    items: int = 6_000
    seed: int = 42
    anchor: date = field(default_factory=date.today)

    def validate(self) -> None:
        if not 1 <= self.accounts <= MAX_ACCOUNTS:
            raise DemoDataError(f"--accounts must be between 1 and {MAX_ACCOUNTS:,}, got {self.accounts}.")
        if not 0 <= self.items <= MAX_ITEMS:
            raise DemoDataError(f"--items must be between 0 and {MAX_ITEMS:,}, got {self.items}.")


@dataclass
class DemoSummary:
    users: int = 0
    themes: int = 0
    accounts: int = 0
    opportunities: int = 0
    items: int = 0
    theme_links: int = 0
    usage_metrics: int = 0


@dataclass
class _AccountPlan:
    account: Account
    interests: list[int]  # indexes into cat.THEMES this account talks about most
    weight: int
    segments: list[str] = field(default_factory=list)


ProgressFn = Callable[[int], None]


def _salesforce_id(prefix: str, n: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    digits = []
    for _ in range(12):
        n, rem = divmod(n, 62)
        digits.append(alphabet[rem])
    return prefix + "DM" + "".join(reversed(digits))[:13]


def store_is_empty() -> bool:
    return not (Account.objects.exists() or FeedbackItem.objects.exists() or Theme.objects.exists())


@transaction.atomic
def flush_store() -> None:
    """Remove feedback-store data (not users). Used by `seed_demo --flush`."""
    FeedbackTheme.objects.all().delete()
    FeedbackItem.objects.all().delete()
    UsageMetric.objects.all().delete()
    Opportunity.objects.all().delete()
    Account.objects.all().delete()
    Theme.objects.all().delete()


def ensure_demo_users() -> dict[str, object]:
    """Create (or reset) the demo users. Returns them by username; CSMs are those that own accounts."""
    user_model = get_user_model()
    users: dict[str, object] = {}
    for username, first, last, role in cat.DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@demo.example"
        user.is_staff = role == "Product Ops"
        user.set_password(cat.DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        users[username] = user
    csm_group = Group.objects.get(name="CSM")
    for username, first, last in cat.EXTRA_CSMS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(csm_group)
        users[username] = user
    return users


def _make_themes() -> list[Theme]:
    themes = [
        Theme(name=name, slug=slugify(name), keywords=keywords, description=description)
        for name, keywords, description, _titles, _says in cat.THEMES
    ]
    Theme.objects.bulk_create(themes)
    return list(Theme.objects.order_by("id"))


def _make_accounts(rng: random.Random, options: DemoOptions, csms: list[object]) -> list[_AccountPlan]:
    plans: list[_AccountPlan] = []
    accounts: list[Account] = []
    for n in range(options.accounts):
        first = cat.COMPANY_FIRST[n % len(cat.COMPANY_FIRST)]
        second = cat.COMPANY_SECOND[(n // len(cat.COMPANY_FIRST)) % len(cat.COMPANY_SECOND)]
        cycle = n // (len(cat.COMPANY_FIRST) * len(cat.COMPANY_SECOND))
        suffix = cat.COMPANY_SUFFIX[cycle % len(cat.COMPANY_SUFFIX)]
        name = f"{first} {second} {suffix}" + (
            f" {cycle // len(cat.COMPANY_SUFFIX) + 1}" if cycle >= 8 else ""
        )
        roll = rng.random()
        lifecycle = (
            Lifecycle.PROSPECT if roll < 0.25 else (Lifecycle.CHURNED if roll > 0.93 else Lifecycle.CUSTOMER)
        )
        tier_roll = rng.random()
        if lifecycle == Lifecycle.PROSPECT:
            arr = Decimal(0)
        elif tier_roll < 0.5:
            arr = Decimal(rng.randrange(5_000, 25_000, 500))
        elif tier_roll < 0.85:
            arr = Decimal(rng.randrange(25_000, 100_000, 1_000))
        else:
            arr = Decimal(rng.randrange(100_000, 650_000, 5_000))
        is_customer = lifecycle == Lifecycle.CUSTOMER
        risk = (
            rng.choice([rng.randint(0, 40), rng.randint(20, 69), rng.randint(70, 98)]) if is_customer else 0
        )
        plan_index = 0 if arr < 25_000 else (1 if arr < 60_000 else (2 if arr < 150_000 else 3))
        account = Account(
            name=name,
            domain=slugify(f"{first}{second}") + (f"{n}" if n >= 600 else "") + ".example",
            salesforce_id=_salesforce_id("001", n),
            zendesk_org_id=str(360_000_000_000 + n),
            lifecycle=lifecycle,
            arr=arr,
            plan="" if lifecycle == Lifecycle.PROSPECT else cat.PLANS[plan_index],
            industry=rng.choice(cat.INDUSTRIES),
            owner_csm=csms[n % len(csms)] if lifecycle != Lifecycle.PROSPECT else None,
            churn_risk_score=risk,
            expansion_candidate=is_customer and risk < 50 and rng.random() < 0.3,
        )
        accounts.append(account)
        interests = rng.sample(range(len(cat.THEMES)), 3)
        weight = (
            1 + int(arr // 50_000) + (3 if risk >= 70 else 0) + (1 if lifecycle == Lifecycle.PROSPECT else 0)
        )
        plans.append(_AccountPlan(account=account, interests=interests, weight=weight))
    Account.objects.bulk_create(accounts, batch_size=1000)
    if accounts and accounts[0].pk is None:  # backends without RETURNING: read the ids back in creation order
        for plan, pk in zip(plans, Account.objects.order_by("id").values_list("id", flat=True), strict=True):
            plan.account.pk = pk
    return plans


def _make_opportunities(
    rng: random.Random, plans: list[_AccountPlan], themes: list[Theme], anchor: date
) -> int:
    opportunities: list[Opportunity] = []
    blockers: list[list[int]] = []
    for n, plan in enumerate(plans):
        account = plan.account
        wanted: list[tuple[str, int, int]] = []  # (type, low, high)
        if account.lifecycle == Lifecycle.PROSPECT and rng.random() < 0.8:
            wanted.append((OpportunityType.NEW, 10_000, 250_000))
        if account.lifecycle == Lifecycle.CUSTOMER:
            if rng.random() < 0.35 or account.expansion_candidate:
                wanted.append((OpportunityType.EXPANSION, 5_000, 150_000))
            if rng.random() < 0.4:
                wanted.append(
                    (
                        OpportunityType.RENEWAL,
                        max(5_000, int(account.arr) // 2),
                        max(10_000, int(account.arr)),
                    )
                )
        for k, (kind, low, high) in enumerate(wanted):
            roll = rng.random()
            status = (
                OpportunityStatus.OPEN
                if roll < 0.65
                else (OpportunityStatus.WON if roll < 0.85 else OpportunityStatus.LOST)
            )
            stage = (
                rng.choice(cat.STAGES_OPEN) if status == OpportunityStatus.OPEN else f"Closed {status.label}"
            )
            opportunities.append(
                Opportunity(
                    salesforce_id=_salesforce_id("006", n * 4 + k),
                    account=account,
                    name=f"{account.name} — {OpportunityType(kind).label}",
                    amount=Decimal(rng.randrange(low, high + 1, 500)),
                    stage=stage,
                    status=status,
                    close_date=anchor + timedelta(days=rng.randint(-120, 150)),
                    opportunity_type=kind,
                    is_priority=rng.random() < 0.08,
                )
            )
            blocked = (
                rng.sample(plan.interests, rng.choice([0, 1, 1, 2]))
                if status == OpportunityStatus.OPEN
                else []
            )
            blockers.append(blocked)
    Opportunity.objects.bulk_create(opportunities, batch_size=1000)
    through = Opportunity.blocking_themes.through
    Opportunity.blocking_themes.through.objects.bulk_create(
        [
            through(opportunity_id=opp.pk, theme_id=themes[theme_index].pk)
            for opp, blocked in zip(opportunities, blockers, strict=True)
            for theme_index in blocked
        ],
        batch_size=1000,
    )
    deals_by_account: dict[int, list[tuple[Decimal, bool, str]]] = {}
    for opp in opportunities:
        if opp.status == OpportunityStatus.OPEN:
            deals_by_account.setdefault(opp.account_id, []).append(
                (opp.amount, opp.is_priority, opp.opportunity_type)
            )
    for plan in plans:
        plan.segments = segments_of(plan.account, open_deal_amounts=deals_by_account.get(plan.account.pk, []))
    return len(opportunities)


def _occurred_at(rng: random.Random, anchor: date, recent: bool) -> datetime:
    # Churn-risk accounts complain more lately: their items skew towards the last quarter.
    days_back = int(rng.triangular(0, 365, 0 if recent else 120))
    moment = datetime.combine(anchor - timedelta(days=days_back), time(0), tzinfo=UTC)
    return moment + timedelta(seconds=rng.randrange(8 * 3600, 19 * 3600))


def _item_text(
    rng: random.Random, source: str, theme_indexes: list[int], account: Account, score: int | None
) -> tuple[str, str, str]:
    primary = cat.THEMES[theme_indexes[0]]
    said = [rng.choice(cat.THEMES[i][4]) for i in theme_indexes]
    contact = rng.choice(cat.CONTACTS)
    if source == Source.ZENDESK:
        return rng.choice(primary[3]), " ".join(said) + f"\n\n— {contact}, {account.name}", contact
    if source == Source.GONG:
        title = f"{account.name} · {rng.choice(cat.CALL_KINDS)}"
        body = "Key points: " + " ".join(said) + f" {contact} asked when this will be on the roadmap."
        return title, body, contact
    if source == Source.SALESFORCE:
        return rng.choice(cat.NOTE_KINDS), f"{contact} said: " + " ".join(said), contact
    if source == Source.NPS:
        return f"NPS {score}", " ".join(said), f"{contact.lower()}@{account.domain}"
    if source == Source.SURVEY:
        return "Quarterly customer survey", " ".join(said), contact
    return f"Logged for {account.name}: {primary[3][0]}", " ".join(said), contact


def _pick_account(rng: random.Random, plans: list[_AccountPlan], cumulative: list[int]) -> _AccountPlan:
    target = rng.randrange(cumulative[-1])
    low, high = 0, len(cumulative) - 1
    while low < high:  # bisect by hand to keep rng call order independent of library internals
        mid = (low + high) // 2
        if cumulative[mid] > target:
            high = mid
        else:
            low = mid + 1
    return plans[low]


ITEM_COLUMNS = (
    "source", "external_id", "account_id", "kind", "title", "body", "url", "author", "occurred_at",
    "nps_score", "segment_snapshot", "arr_snapshot", "raw", "created_at", "updated_at",
)  # fmt: skip
LINK_COLUMNS = ("item_id", "theme_id", "origin", "tagged_at", "removed")


def _generate_items(
    rng: random.Random, plans: list[_AccountPlan], options: DemoOptions
) -> Iterator[tuple[tuple, list[int]]]:
    """Yield (item row in ITEM_COLUMNS order, indexes of the themes it talks about)."""
    cumulative: list[int] = []
    running = 0
    for plan in plans:
        running += plan.weight
        cumulative.append(running)
    sources = [source for source, weight in SOURCE_WEIGHTS for _ in range(weight)]
    raw = {"generated_by": "seed_demo", "seed": options.seed}
    now = timezone.now()
    for n in range(options.items):
        plan = _pick_account(rng, plans, cumulative)
        account = plan.account
        source = rng.choice(sources)
        first_theme = rng.choice(plan.interests) if rng.random() < 0.8 else rng.randrange(len(cat.THEMES))
        theme_indexes = [first_theme]
        if rng.random() < 0.12:
            other = rng.randrange(len(cat.THEMES))
            if other != first_theme:
                theme_indexes.append(other)
        at_risk = "churn_risk" in plan.segments
        score = None
        if source == Source.NPS:
            score = rng.randint(0, 6) if at_risk or rng.random() < 0.15 else rng.randint(6, 10)
        title, body, author = _item_text(rng, source, theme_indexes, account, score)
        external_id = f"demo-{n}"
        url_template = URL_BY_SOURCE[source]
        row = (
            str(source), external_id, account.pk, str(KIND_BY_SOURCE[source]), title[:500], body,
            url_template.format(n=external_id) if url_template else "", author,
            _occurred_at(rng, options.anchor, at_risk), score, plan.segments, account.arr, raw, now, now,
        )  # fmt: skip
        yield row, theme_indexes


def _make_items(
    rng: random.Random,
    plans: list[_AccountPlan],
    themes: list[Theme],
    options: DemoOptions,
    progress: ProgressFn,
) -> tuple[int, int]:
    items_made = links_made = 0
    chunk: list[tuple[tuple, list[int]]] = []
    now = timezone.now()

    def flush() -> None:
        nonlocal items_made, links_made
        with transaction.atomic():
            ids = allocate_ids(FeedbackItem, len(chunk))
            insert_rows(
                FeedbackItem,
                ("id", *ITEM_COLUMNS),
                ((pk, *row) for pk, (row, _) in zip(ids, chunk, strict=True)),
            )
            links = [
                (pk, themes[i].pk, TagOrigin.RULE.value, now, False)
                for pk, (_row, theme_indexes) in zip(ids, chunk, strict=True)
                for i in theme_indexes
            ]
            insert_rows(FeedbackTheme, LINK_COLUMNS, links)
        items_made += len(chunk)
        links_made += len(links)
        progress(len(chunk))
        chunk.clear()

    for pair in _generate_items(rng, plans, options):
        chunk.append(pair)
        if len(chunk) >= ITEM_CHUNK:
            flush()
    if chunk:
        flush()
    return items_made, links_made


def _make_usage(rng: random.Random, plans: list[_AccountPlan], anchor: date) -> int:
    last_monday = anchor - timedelta(days=anchor.weekday())
    rows: list[UsageMetric] = []
    made = 0
    for plan in plans:
        account = plan.account
        if account.lifecycle != Lifecycle.CUSTOMER:
            continue
        seats = max(5, int(account.arr // 1_200))
        trend = -0.04 if "churn_risk" in plan.segments else (0.03 if account.expansion_candidate else 0.0)
        for week in range(USAGE_WEEKS):
            day = last_monday - timedelta(weeks=USAGE_WEEKS - 1 - week)
            factor = max(0.05, 1 + trend * week + rng.uniform(-0.08, 0.08))
            active = round(seats * 0.7 * factor)
            rows.append(UsageMetric(account=account, metric="active_users", date=day, value=active))
            rows.append(
                UsageMetric(
                    account=account, metric="logins", date=day, value=round(active * rng.uniform(3, 6))
                )
            )
            rows.append(
                UsageMetric(
                    account=account,
                    metric="reports_created",
                    date=day,
                    value=round(active * rng.uniform(0.1, 0.8)),
                )
            )
        if len(rows) >= 10_000:
            UsageMetric.objects.bulk_create(rows, batch_size=1000)
            made += len(rows)
            rows = []
    UsageMetric.objects.bulk_create(rows, batch_size=1000)
    return made + len(rows)


def seed_demo(options: DemoOptions, *, progress: ProgressFn | None = None) -> DemoSummary:
    """Fill an empty store with demo data. Validate first: bad options write nothing."""
    options.validate()
    rng = random.Random(options.seed)
    summary = DemoSummary()
    with transaction.atomic():
        users = ensure_demo_users()
        summary.users = len(users)
        csms = [users["csm"]] + [users[username] for username, _f, _l in cat.EXTRA_CSMS]
        themes = _make_themes()
        summary.themes = len(themes)
        plans = _make_accounts(rng, options, csms)
        summary.accounts = len(plans)
        summary.opportunities = _make_opportunities(rng, plans, themes, options.anchor)
        summary.usage_metrics = _make_usage(rng, plans, options.anchor)
    summary.items, summary.theme_links = _make_items(
        rng, plans, themes, options, progress or (lambda n: None)
    )
    # Fresh statistics, or the planner takes a freshly loaded table for a few rows until autovacuum catches up
    # (seen: a segment cut's item list 1.5 s instead of 1 ms right after seeding). VACUUM too when we may (not inside
    # a caller's transaction): it sets the visibility map, without which the dashboard's index-only scans of the fact
    # table visit the heap (seen: cuts at 1M items 1-3 s right after seeding, 0.1-0.3 s after a 3 s VACUUM).
    # The fact rows were each written twice (the item, then its theme links) and in the order accounts were seeded:
    # rewriting that table in time order halves the pages a search reads (558 -> 291 MB at 1M items) and lets a
    # search's page of items walk the time index over neighbouring rows (a phrase in one segment: 520 -> 11 ms), 7 s.
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("CLUSTER feedback_itemfact USING itemfact_time_idx")
    refresh_statistics()
    return summary


def refresh_statistics() -> None:
    """ANALYZE, and VACUUM when outside a transaction: after the last demo writes too, since retagging and
    re-segmenting rewrite fact rows all over the table and clear their pages' visibility bits (seen: 8,658 of
    37,478 pages after the demo's releases and trend items, and owner estimates of 1 row for 1,258)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
