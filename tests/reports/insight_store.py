"""A hand-made store for the insight report whose every figure is worked out on paper below.

Today is 2026-06-30; the default window is 180 days, 2026-01-02 .. 2026-06-30, midpoint 2026-04-02.

Accounts                                            Themes: Reporting (R), SSO (S), Export (E), Quiet (Q: nothing)
  acme     customer, ARR 100k, churn risk 80  -> paying AND churn risk
  beta     customer, ARR 40k,  churn risk 10  -> paying
  gamma    prospect, ARR 0
  gone     churned,  ARR 30k                  -> neither column

Deals (open unless said)                                   R pipeline: d1 + d2 = 70k, 2 deals, next close 07-15
  d1  gamma 50k  Proposal   close 07-15  blocks R and S      S pipeline: d1 + d6 = 55k, 2 deals, 1 overdue
  d2  acme  20k  Discovery  close 08-01  blocks R            E pipeline: none
  d3  beta  70k  LOST                    blocks R  (never open pipeline)
  d4  beta  10k  WON                     blocks S  (never open pipeline)
  d6  beta   5k  Discovery  close 06-01  blocks S  (past its close date)

Feedback in the window
  R: acme call 02-10, acme call 05-10, gamma call 06-05, acme ticket 03-01, gone ticket 06-20,
     beta NPS 3 (detractor) 04-15, beta NPS 9 04-20
     -> calls 3 (accounts acme, gamma = 2), tickets 2, NPS answers 2, detractors 1 (50.0 %), mentions 7,
        accounts 4; installed = acme + beta = 140k (2); at risk = acme = 100k (1)
     also: beta call 2025-12-01 (before the window) and beta ticket 05-01 whose tag a person removed: not counted
  S: beta ticket 05-05, acme NPS 5 06-01, beta NPS 2 06-02
     -> calls 0, tickets 1, NPS answers 2, detractors 2 (100.0 %), mentions 3, installed 140k (2), at risk 100k (1)
  E: one ticket with no account 06-10 -> tickets 1, mentions 1, no accounts

Score with the default weights (pipeline 3, installed 2, at risk 3, calls 1, tickets 1, detractors 2):
  R = 3 + 2 + 3 + 1 + 1 + 2*(1/2) = 11.00
  S = 3*(55/70)=2.36 + 2 + 3 + 0 + 1*(1/2)=0.50 + 2 = 9.86
  E = 0 + 0 + 0 + 0 + 0.50 + 0 = 0.50
With detractors weighted 10: R = 10 + 5 = 15.00, S = 7.86 + 10 = 17.86: S ranks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    Lifecycle,
    Opportunity,
    OpportunityStatus,
    Theme,
)

TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@dataclass
class InsightStore:
    accounts: dict[str, Account]
    themes: dict[str, Theme]
    deals: dict[str, Opportunity]

    def ids(self, *names: str) -> str:
        return ",".join(str(self.themes[name].pk) for name in names)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


_counter = {"n": 0}


def say(
    account: Account | None,
    source: str,
    when: datetime,
    *themes: Theme,
    nps: int | None = None,
    removed: bool = False,
) -> FeedbackItem:
    _counter["n"] += 1
    n = _counter["n"]
    item = FeedbackItem.objects.create(
        source=source,
        external_id=f"insight-{n}",
        account=account,
        kind={"zendesk": "ticket", "nps": "nps_response", "gong": "call"}.get(source, "manual"),
        title=f"Item {n}",
        body=f"Customer words number {n}",
        occurred_at=when,
        nps_score=nps,
    )
    for theme in themes:
        FeedbackTheme.objects.create(item=item, theme=theme, removed=removed)
    return item


def deal(
    key: str,
    account: Account,
    amount: int | None,
    *themes: Theme,
    status: str = OpportunityStatus.OPEN,
    stage: str = "Discovery",
    close: date | None = None,
) -> Opportunity:
    opp = Opportunity.objects.create(
        salesforce_id=f"006INSIGHT{key}",
        account=account,
        name=f"{account.name} {key}",
        amount=None if amount is None else Decimal(amount),
        status=status,
        stage=stage,
        close_date=close,
    )
    opp.blocking_themes.add(*themes)
    return opp


def build() -> InsightStore:
    acme = Account.objects.create(
        name="Acme", lifecycle=Lifecycle.CUSTOMER, arr=Decimal(100_000), churn_risk_score=80
    )
    beta = Account.objects.create(
        name="Beta", lifecycle=Lifecycle.CUSTOMER, arr=Decimal(40_000), churn_risk_score=10
    )
    gamma = Account.objects.create(name="Gamma", lifecycle=Lifecycle.PROSPECT, arr=Decimal(0))
    gone = Account.objects.create(name="Gone", lifecycle=Lifecycle.CHURNED, arr=Decimal(30_000))
    r = Theme.objects.create(name="Reporting", slug="reporting")
    s = Theme.objects.create(name="SSO", slug="sso")
    e = Theme.objects.create(name="Export", slug="export")
    q = Theme.objects.create(name="Quiet", slug="quiet")
    deals = {
        "d1": deal("d1", gamma, 50_000, r, s, stage="Proposal", close=date(2026, 7, 15)),
        "d2": deal("d2", acme, 20_000, r, close=date(2026, 8, 1)),
        "d3": deal("d3", beta, 70_000, r, status=OpportunityStatus.LOST, stage="Closed Lost"),
        "d4": deal("d4", beta, 10_000, s, status=OpportunityStatus.WON, stage="Closed Won"),
        "d6": deal("d6", beta, 5_000, s, close=date(2026, 6, 1)),
    }
    say(acme, "gong", at(2026, 2, 10), r)
    say(acme, "gong", at(2026, 5, 10), r)
    say(gamma, "gong", at(2026, 6, 5), r)
    say(acme, "zendesk", at(2026, 3, 1), r)
    say(gone, "zendesk", at(2026, 6, 20), r)
    say(beta, "nps", at(2026, 4, 15), r, nps=3)
    say(beta, "nps", at(2026, 4, 20), r, nps=9)
    say(beta, "gong", at(2025, 12, 1), r)  # before the window
    say(beta, "zendesk", at(2026, 5, 1), r, removed=True)  # a person removed the tag
    say(beta, "zendesk", at(2026, 5, 5), s)
    say(acme, "nps", at(2026, 6, 1), s, nps=5)
    say(beta, "nps", at(2026, 6, 2), s, nps=2)
    say(None, "zendesk", at(2026, 6, 10), e)
    return InsightStore(
        accounts={"acme": acme, "beta": beta, "gamma": gamma, "gone": gone},
        themes={"reporting": r, "sso": s, "export": e, "quiet": q},
        deals=deals,
    )


def nullable(model: type, field: str) -> bool:
    """Unknown amounts/ARR need the NULL-for-unknown columns (integrations work); tests of them skip until then."""
    return model._meta.get_field(field).null
