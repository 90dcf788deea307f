"""What seed_demo plants so the trend reports show something real.

- A rising **churn** theme, "Performance": churn-risk customers complain about slowness about twice as often in the
  last four complete weeks as their baseline.
- A rising **expansion** theme, "Roles & permissions": expansion accounts ask for granular roles about twice as often.
- A launch outcome: before "Android photo upload fix" launched, a burst of "Android app crashes on photo upload"
  tickets about the Mobile app; after it, the usual trickle.
- Three clusters of similar *untagged* feedback from the last weeks (dark mode, invoice currency, Outlook calendar),
  for "create theme from this cluster".

The extra volume is sized from the theme's own baseline, so the planted rise shows at any --items.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

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
)
from feedback.segments import segments_of
from readiness.models import Release
from reports.trends import this_monday

CHURN_THEME = "Performance"
EXPANSION_THEME = "Roles & permissions"
LAUNCH_RELEASE = "Android photo upload fix"
LAUNCH_THEME = "Mobile app"

CHURN_SAYS = [
    "Pages take 10+ seconds to load since the last update; our team is looking at alternatives.",
    "The app is so slow at month end that our finance team stopped using it.",
    "Search times out for our largest projects; this is becoming a renewal issue.",
]
EXPANSION_SAYS = [
    "We're rolling out to three more departments and need roles scoped per team before we add seats.",
    "Before we buy the extra licences we need custom roles so contractors only see their projects.",
    "Our new regional offices need admin rights limited to their region.",
]
# Small variations, as real customers phrase the same ask differently.
ADDED = [
    "",
    " Please prioritise this.",
    " Several users asked again this week.",
    " It came up in our QBR.",
    " Any update?",
]
CLUSTERS = [
    (
        ["Dark mode please", "Request: dark mode", "Dark theme for night shifts"],
        "Our support agents work night shifts and asked for a dark mode; the white screens are hard on the eyes.",
    ),
    (
        ["Invoice shows wrong currency", "Invoices in USD instead of EUR", "Wrong currency on invoice"],
        "Our invoice shows the wrong currency: we are billed in EUR but the invoice PDF says USD.",
    ),
    (
        ["Outlook calendar integration", "Sync with Outlook calendar", "Calendar sync for Outlook"],
        "We need deadlines to show up in our Outlook calendar; today we copy every due date by hand.",
    ),
]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=rng.randrange(8 * 3600, 19 * 3600))


def _weekly_baseline(theme: Theme, accounts: Any, since: datetime, until: datetime, weeks: int) -> float:
    n = FeedbackItem.objects.filter(
        theme_links__theme=theme, theme_links__removed=False, account__in=accounts,
        occurred_at__gte=since, occurred_at__lt=until,
    ).count()  # fmt: skip
    return n / weeks


def _item(
    rng: random.Random, n: int, account: Account, when: datetime, title: str, body: str, source: str
) -> FeedbackItem:
    kinds = {Source.ZENDESK: ItemKind.TICKET, Source.GONG: ItemKind.CALL, Source.SALESFORCE: ItemKind.NOTE}
    return FeedbackItem(
        source=source, external_id=f"trends-demo-{n}", account=account, kind=kinds[source], title=title,
        body=body, author="demo contact", occurred_at=when, segment_snapshot=segments_of(account),
        arr_snapshot=account.arr, raw={"generated_by": "reports.trends_demo"},
    )  # fmt: skip


def _plant_rise(
    rng: random.Random, theme: Theme, accounts: list[Account], says: list[str], anchor: date, start: int
) -> list[FeedbackItem]:
    current = this_monday(anchor)
    k, b = settings.TRENDS_RECENT_WEEKS, settings.TRENDS_BASELINE_WEEKS
    recent_from = current - timedelta(weeks=k)
    base_from = datetime.combine(recent_from - timedelta(weeks=b), time(0), tzinfo=UTC)
    rate = _weekly_baseline(
        theme, [a.pk for a in accounts], base_from, datetime.combine(recent_from, time(0), tzinfo=UTC), b
    )
    per_week = max(10, round(rate * 1.5))
    items = []
    for week in range(k):
        monday = recent_from + timedelta(weeks=week)
        for _ in range(per_week):
            account = rng.choice(accounts)
            source = rng.choice([Source.ZENDESK, Source.GONG, Source.SALESFORCE])
            text = rng.choice(says)
            title = text.split(";")[0].split(",")[0][:80]
            items.append(
                _item(rng, start + len(items), account, _at(monday + timedelta(days=rng.randrange(7)), rng), title,
                      text, source)
            )  # fmt: skip
    return items


@transaction.atomic
def seed_trends_demo(*, anchor: date, seed: int = 42) -> int:
    """Plant the rising themes, the launch burst and the clusters. Returns how many items were added."""
    rng = random.Random(seed + 13)
    themes = {t.name: t for t in Theme.objects.filter(name__in=[CHURN_THEME, EXPANSION_THEME, LAUNCH_THEME])}
    churn_accounts = list(
        Account.objects.filter(
            lifecycle=Lifecycle.CUSTOMER, churn_risk_score__gte=settings.CHURN_RISK_SCORE_THRESHOLD
        ).order_by("pk")
    )
    expansion_deal = Opportunity.objects.filter(
        account=OuterRef("pk"), status=OpportunityStatus.OPEN, opportunity_type=OpportunityType.EXPANSION
    )
    expansion_accounts = list(
        Account.objects.filter(Q(expansion_candidate=True) | Q(Exists(expansion_deal))).order_by("pk")
    )
    planted: list[tuple[FeedbackItem, Theme | None]] = []
    if CHURN_THEME in themes and churn_accounts:
        items = _plant_rise(rng, themes[CHURN_THEME], churn_accounts, CHURN_SAYS, anchor, 0)
        planted += [(i, themes[CHURN_THEME]) for i in items]
    if EXPANSION_THEME in themes and expansion_accounts:
        items = _plant_rise(rng, themes[EXPANSION_THEME], expansion_accounts, EXPANSION_SAYS, anchor, 10_000)
        planted += [(i, themes[EXPANSION_THEME]) for i in items]
    customers = list(Account.objects.filter(lifecycle=Lifecycle.CUSTOMER).order_by("pk")[:400])
    # The launch burst comes from healthy customers, so it does not also read as a churn signal on Mobile app.
    lost = Opportunity.objects.filter(account=OuterRef("pk"), status=OpportunityStatus.LOST)
    healthy = [
        a
        for a in Account.objects.filter(
            lifecycle=Lifecycle.CUSTOMER, churn_risk_score__lt=settings.CHURN_RISK_SCORE_THRESHOLD
        )
        .exclude(Exists(lost))
        .order_by("pk")[:400]
    ]
    release = Release.objects.filter(name=LAUNCH_RELEASE).first()
    if release and LAUNCH_THEME in themes and healthy:
        days = min(settings.TRENDS_LAUNCH_WEEKS * 7, (anchor - release.launch_date).days)
        for n in range(max(20, 2 * days)):
            when = _at(release.launch_date - timedelta(days=1 + rng.randrange(max(days, 1))), rng)
            title = rng.choice(["Android app crashes on photo upload", "Photo upload crash (Android)"])
            body = "The Android app crashes every time a technician attaches a photo to a job."
            item = _item(rng, 20_000 + n, rng.choice(healthy), when, title, body, Source.ZENDESK)
            planted.append((item, themes[LAUNCH_THEME]))
    if customers:
        for c, (titles, body) in enumerate(CLUSTERS):
            for n in range(5 + 2 * (len(CLUSTERS) - c)):
                when = _at(anchor - timedelta(days=rng.randrange(1, 40)), rng)
                account = rng.choice(customers)
                item = _item(
                    rng, 30_000 + 100 * c + n, account, when, rng.choice(titles), body + rng.choice(ADDED),
                    Source.ZENDESK,
                )  # fmt: skip
                planted.append((item, None))
    FeedbackItem.objects.bulk_create([item for item, _ in planted], batch_size=1000)
    FeedbackTheme.objects.bulk_create(
        [FeedbackTheme(item=item, theme=theme, origin=TagOrigin.RULE) for item, theme in planted if theme],
        batch_size=1000,
    )
    return len(planted)


def flush_trends_demo() -> None:
    FeedbackItem.objects.filter(external_id__startswith="trends-demo-").delete()
