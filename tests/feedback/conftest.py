"""A small, hand-made store whose every expected figure can be worked out on paper.

Accounts (today = 2026-06-30):
  acme    customer, ARR 150k, churn risk 85, owner csm1, open deal 80k blocked by Reporting  → churn_risk, HPD, enterprise
  globex  customer, ARR 30k, churn risk 10, expansion flagged, owner csm2                    → expansion, mid_market
  initech prospect, ARR 0, open priority deal 10k                                            → prospect, HPD, smb
  umbrella customer, ARR 120k, churn risk 20, owner csm1                                     → enterprise
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    Lifecycle,
    Opportunity,
    OpportunityStatus,
    TagOrigin,
    Theme,
)
from productops.roles import Role

TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _no_dashboard_cache(settings):
    # Tests read their own uncommitted rows: PostgreSQL's change counters would not see them yet.
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def eager_celery():
    """Run enqueued tasks in-process (the suite's REDIS_URL would otherwise send them to a broker)."""
    from productops.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@dataclass
class Store:
    accounts: dict[str, Account]
    themes: dict[str, Theme]
    items: dict[str, FeedbackItem]
    deals: dict[str, Opportunity]
    csm1: object
    csm2: object

    def ids(self, *names: str) -> set[int]:
        return {self.items[name].pk for name in names}

    def names(self, queryset) -> set[str]:
        by_id = {item.pk: name for name, item in self.items.items()}
        return {by_id[pk] for pk in queryset.values_list("pk", flat=True)}


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, 0, tzinfo=UTC)


def make_item(
    name: str, account: Account | None, source: str, when: datetime, title: str, body: str, **kw
) -> FeedbackItem:
    return FeedbackItem.objects.create(
        source=source,
        external_id=name,
        account=account,
        kind={"zendesk": "ticket", "nps": "nps_response", "gong": "call", "salesforce": "note"}.get(
            source, "manual"
        ),
        title=title,
        body=body,
        url=f"https://example.test/{name}",
        occurred_at=when,
        **kw,
    )


@pytest.fixture
def store(db, make_user) -> Store:
    csm1 = make_user("csm1", Role.CSM)
    csm2 = make_user("csm2", Role.CSM)
    acme = Account.objects.create(
        name="Acme", lifecycle=Lifecycle.CUSTOMER, arr=Decimal(150_000), churn_risk_score=85, owner_csm=csm1
    )
    globex = Account.objects.create(
        name="Globex",
        lifecycle=Lifecycle.CUSTOMER,
        arr=Decimal(30_000),
        churn_risk_score=10,
        expansion_candidate=True,
        owner_csm=csm2,
    )
    initech = Account.objects.create(name="Initech", lifecycle=Lifecycle.PROSPECT, arr=0)
    umbrella = Account.objects.create(
        name="Umbrella",
        lifecycle=Lifecycle.CUSTOMER,
        arr=Decimal(120_000),
        churn_risk_score=20,
        owner_csm=csm1,
    )
    reporting = Theme.objects.create(name="Reporting", slug="reporting", keywords=["report", "dashboard"])
    sso = Theme.objects.create(name="SSO", slug="sso", keywords=["sso", "saml"])
    acme_deal = Opportunity.objects.create(
        salesforce_id="006A", account=acme, name="Acme renewal", amount=80_000, status=OpportunityStatus.OPEN
    )
    acme_deal.blocking_themes.add(reporting)
    initech_deal = Opportunity.objects.create(
        salesforce_id="006B", account=initech, name="Initech new", amount=10_000, is_priority=True
    )
    initech_deal.blocking_themes.add(sso)
    Opportunity.objects.create(
        salesforce_id="006C",
        account=umbrella,
        name="Umbrella won",
        amount=90_000,
        status=OpportunityStatus.WON,
    )
    items = {
        "a1": make_item("a1", acme, "zendesk", at(6, 20), "Reports are slow", "Our weekly reports time out."),
        "a2": make_item(
            "a2", acme, "nps", at(5, 2), "NPS 3", "The dashboard is missing numbers.", nps_score=3
        ),
        "a3": make_item("a3", acme, "gong", at(1, 15), "QBR call", "They asked about SAML login."),
        "g1": make_item("g1", globex, "zendesk", at(6, 28), "Export", "Need export to CSV of the dashboard."),
        "g2": make_item("g2", globex, "nps", at(6, 1), "NPS 10", "Love it.", nps_score=10),
        "i1": make_item(
            "i1", initech, "salesforce", at(6, 10), "Security review", "SSO with Okta is required."
        ),
        "u1": make_item(
            "u1", umbrella, "zendesk", at(3, 3), "Reporting by team", "Reporting cannot group by team."
        ),
        "u2": make_item("u2", umbrella, "nps", at(6, 25), "NPS 8", "Fine overall.", nps_score=8),
        "n1": make_item("n1", None, "manual", at(6, 29), "Anonymous", "A report from a trade show."),
    }
    links = [
        ("a1", reporting),
        ("a2", reporting),
        ("g1", reporting),
        ("u1", reporting),
        ("n1", reporting),
        ("a3", sso),
        ("i1", sso),
    ]
    FeedbackTheme.objects.bulk_create(
        [FeedbackTheme(item=items[name], theme=theme, origin=TagOrigin.RULE) for name, theme in links]
    )
    return Store(
        accounts={"acme": acme, "globex": globex, "initech": initech, "umbrella": umbrella},
        themes={"reporting": reporting, "sso": sso},
        items=items,
        deals={"acme": acme_deal, "initech": initech_deal},
        csm1=csm1,
        csm2=csm2,
    )
