"""Customer segments from the framework, as query helpers every page and report uses.

`account_q(key)` filters Accounts; `item_q(key)` filters FeedbackItems by their account's *current* segment.
Thresholds come from settings (HIGH_PRIORITY_DEAL_AMOUNT, CHURN_RISK_SCORE_THRESHOLD, ARR_TIERS).
An account whose ARR is unknown (NULL) is in no ARR tier but in "ARR unknown"; a deal with no amount never
reaches the high-priority threshold on its amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from feedback.models import Account, Lifecycle, Opportunity, OpportunityStatus, OpportunityType


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    description: str


ARR_UNKNOWN = "arr_unknown"


def arr_tiers() -> list[tuple[str, str, Decimal]]:
    return sorted(settings.ARR_TIERS, key=lambda tier: tier[2])


def segments() -> list[Segment]:
    amount = settings.HIGH_PRIORITY_DEAL_AMOUNT
    base = [
        Segment("prospect", "Prospects", "Not yet paying."),
        Segment("customer", "Paying customers", "Lifecycle is customer."),
        Segment(
            "high_priority_deal", "High-priority deals", f"Open deal ≥ ${amount:,.0f} or flagged priority."
        ),
        Segment(
            "churn_risk",
            "Churn risk",
            f"Customer with churn-risk score ≥ {settings.CHURN_RISK_SCORE_THRESHOLD}.",
        ),
        Segment("expansion", "Expansion", "Flagged for expansion or has an open expansion deal."),
    ]
    tiers = [Segment(f"arr_{key}", f"ARR: {label}", f"ARR ≥ ${low:,.0f}.") for key, label, low in arr_tiers()]
    unknown = Segment(ARR_UNKNOWN, "ARR: unknown", "The CRM has no ARR for the account.")
    return [*base, *tiers, unknown]


def _open_deals(**extra: Any) -> Exists:
    return Exists(
        Opportunity.objects.filter(account=OuterRef("pk"), status=OpportunityStatus.OPEN).filter(
            Q(**extra) if extra else Q()
        )
    )


def _tier_bounds(tier_key: str) -> tuple[Decimal, Decimal | None]:
    tiers = arr_tiers()
    for index, (key, _label, low) in enumerate(tiers):
        if key == tier_key:
            high = tiers[index + 1][2] if index + 1 < len(tiers) else None
            return low, high
    raise ValueError(f"Unknown ARR tier {tier_key!r}")


def account_q(key: str) -> Q:
    """A Q over Account for one segment key. Raises ValueError for an unknown key."""
    if key == "prospect":
        return Q(lifecycle=Lifecycle.PROSPECT)
    if key == "customer":
        return Q(lifecycle=Lifecycle.CUSTOMER)
    if key == "high_priority_deal":
        priority_deals = Q(amount__gte=settings.HIGH_PRIORITY_DEAL_AMOUNT) | Q(is_priority=True)
        return Q(
            Exists(
                Opportunity.objects.filter(account=OuterRef("pk"), status=OpportunityStatus.OPEN).filter(
                    priority_deals
                )
            )
        )
    if key == "churn_risk":
        return Q(lifecycle=Lifecycle.CUSTOMER, churn_risk_score__gte=settings.CHURN_RISK_SCORE_THRESHOLD)
    if key == "expansion":
        return Q(expansion_candidate=True) | Q(_open_deals(opportunity_type=OpportunityType.EXPANSION))
    if key == ARR_UNKNOWN:
        return Q(arr__isnull=True)
    if key.startswith("arr_"):
        low, high = _tier_bounds(key.removeprefix("arr_"))
        q = Q(arr__gte=low)
        return q & Q(arr__lt=high) if high is not None else q
    raise ValueError(f"Unknown segment {key!r}")


def item_q(key: str) -> Q:
    """A Q over FeedbackItem: items whose account is in the segment now."""
    return Q(account__in=Account.objects.filter(account_q(key)).values("pk"))


def arr_tier_of(arr: Decimal | None) -> str:
    """The tier key an ARR falls in; "unknown" when there is no ARR (not the lowest tier)."""
    if arr is None:
        return ARR_UNKNOWN.removeprefix("arr_")
    tier_key = arr_tiers()[0][0]
    for key, _label, low in arr_tiers():
        if arr >= low:
            tier_key = key
    return tier_key


def segments_of(
    account: Account, *, open_deal_amounts: list[tuple[Decimal | None, bool, str]] | None = None
) -> list[str]:
    """The segment keys an account is in now, computed in Python (for snapshots taken at ingest time).

    `open_deal_amounts` is [(amount, is_priority, opportunity_type)] of the account's open deals; pass it to avoid
    a query per account when snapshotting many items.
    """
    if open_deal_amounts is None:
        open_deal_amounts = list(
            account.opportunities.filter(status=OpportunityStatus.OPEN).values_list(
                "amount", "is_priority", "opportunity_type"
            )
        )
    keys: list[str] = []
    if account.lifecycle == Lifecycle.PROSPECT:
        keys.append("prospect")
    if account.lifecycle == Lifecycle.CUSTOMER:
        keys.append("customer")
        if account.churn_risk_score >= settings.CHURN_RISK_SCORE_THRESHOLD:
            keys.append("churn_risk")
    if any(
        (amount is not None and amount >= settings.HIGH_PRIORITY_DEAL_AMOUNT) or flagged
        for amount, flagged, _t in open_deal_amounts
    ):
        keys.append("high_priority_deal")
    if account.expansion_candidate or any(t == OpportunityType.EXPANSION for *_rest, t in open_deal_amounts):
        keys.append("expansion")
    keys.append(f"arr_{arr_tier_of(account.arr)}")
    return keys
