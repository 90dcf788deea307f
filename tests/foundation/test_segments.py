from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from feedback import segments
from feedback.models import Account, Lifecycle, Opportunity, OpportunityStatus, OpportunityType

pytestmark = pytest.mark.django_db


def _account(name: str, **fields) -> Account:
    return Account.objects.create(name=name, **fields)


def _in(key: str) -> set[str]:
    return set(Account.objects.filter(segments.account_q(key)).values_list("name", flat=True))


def _deal(account: Account, amount: str, n: int, **fields) -> Opportunity:
    return Opportunity.objects.create(
        salesforce_id=f"006{n:015d}", account=account, name=f"deal {n}", amount=Decimal(amount), **fields
    )


@override_settings(HIGH_PRIORITY_DEAL_AMOUNT=Decimal("50000"))
def test_high_priority_deal_threshold_is_inclusive_and_only_open_deals_count():
    at = _account("at threshold")
    below = _account("just below")
    flagged = _account("flagged")
    won = _account("big but won")
    _deal(at, "50000.00", 1)
    _deal(below, "49999.99", 2)
    _deal(flagged, "100", 3, is_priority=True)
    _deal(won, "900000", 4, status=OpportunityStatus.WON)
    assert _in("high_priority_deal") == {"at threshold", "flagged"}


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
def test_churn_risk_needs_a_paying_customer_at_or_above_the_threshold():
    _account("70", lifecycle=Lifecycle.CUSTOMER, churn_risk_score=70)
    _account("69", lifecycle=Lifecycle.CUSTOMER, churn_risk_score=69)
    _account("churned 99", lifecycle=Lifecycle.CHURNED, churn_risk_score=99)
    _account("prospect 90", lifecycle=Lifecycle.PROSPECT, churn_risk_score=90)
    assert _in("churn_risk") == {"70"}


def test_prospect_and_customer_are_exclusive():
    _account("p", lifecycle=Lifecycle.PROSPECT)
    _account("c", lifecycle=Lifecycle.CUSTOMER)
    _account("x", lifecycle=Lifecycle.CHURNED)
    assert _in("prospect") == {"p"}
    assert _in("customer") == {"c"}


def test_expansion_by_flag_or_open_expansion_deal():
    _account("flag", lifecycle=Lifecycle.CUSTOMER, expansion_candidate=True)
    open_deal = _account("open deal", lifecycle=Lifecycle.CUSTOMER)
    lost_deal = _account("lost deal", lifecycle=Lifecycle.CUSTOMER)
    _deal(open_deal, "10", 1, opportunity_type=OpportunityType.EXPANSION)
    _deal(lost_deal, "10", 2, opportunity_type=OpportunityType.EXPANSION, status=OpportunityStatus.LOST)
    assert _in("expansion") == {"flag", "open deal"}


@override_settings(
    ARR_TIERS=[
        ("smb", "SMB", Decimal(0)),
        ("mid_market", "Mid", Decimal(25000)),
        ("enterprise", "Ent", Decimal(100000)),
    ]
)
def test_arr_tiers_have_inclusive_lower_bounds():
    for arr in ("0", "24999.99", "25000", "99999.99", "100000", "5000000"):
        _account(arr, arr=Decimal(arr))
    assert _in("arr_smb") == {"0", "24999.99"}
    assert _in("arr_mid_market") == {"25000", "99999.99"}
    assert _in("arr_enterprise") == {"100000", "5000000"}
    assert segments.arr_tier_of(Decimal("99999.99")) == "mid_market"
    assert segments.arr_tier_of(Decimal("100000")) == "enterprise"


def test_python_segments_agree_with_the_queries():
    account = _account("both", lifecycle=Lifecycle.CUSTOMER, churn_risk_score=95, arr=Decimal(150000))
    _deal(account, "60000", 1, opportunity_type=OpportunityType.EXPANSION)
    computed = set(segments.segments_of(account))
    queried = {s.key for s in segments.segments() if account.name in _in(s.key)}
    assert (
        computed == queried == {"customer", "churn_risk", "high_priority_deal", "expansion", "arr_enterprise"}
    )


def test_unknown_segment_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown segment 'vip'"):
        segments.account_q("vip")
