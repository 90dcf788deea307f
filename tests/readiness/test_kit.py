from __future__ import annotations

import pytest
from django.test import override_settings

from feedback.models import Lifecycle, Theme
from readiness import selectors
from tests.readiness.conftest import account

pytestmark = pytest.mark.django_db


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
def test_high_risk_accounts_are_churn_risk_or_high_arr_that_spoke_about_the_themes(
    make_release, theme, say, people
):
    other_theme = Theme.objects.create(name="SSO", slug="sso")
    at_risk = account("At risk", risk=85, owner=people["csm2"])
    big = account("Big", arr="250000", owner=people["csm"])
    both = account("Both", arr="150000", risk=99)
    elsewhere = account("Risky but about SSO", risk=90)
    calm = account("Calm and small", risk=10)
    untagged = account("Untagged by a person", risk=95)
    churned = account("Already churned", risk=99, lifecycle=Lifecycle.CHURNED)
    say(at_risk, theme, "old complaint", day=1)
    say(at_risk, theme, "newer complaint", day=2)
    say(at_risk, theme, "newest complaint", day=3)
    say(big, theme, "we need reports")
    say(both, theme, "reports or we leave")
    say(elsewhere, other_theme, "sso now")
    say(calm, theme, "reports would be nice")
    say(untagged, theme, "not really about reports", removed=True)
    say(churned, theme, "too late")
    release = make_release()

    result = selectors.high_risk_accounts(release, user=people["csm"])
    names = [row.account.name for row in result.rows]
    assert names == ["Big", "Both", "At risk"]  # the viewer's own first, then churn risk, then ARR
    assert result.total == 3
    by_name = {row.account.name: row for row in result.rows}
    assert by_name["Both"].reasons == ["churn risk 99", "high ARR"]
    assert by_name["Big"].reasons == ["high ARR"]
    assert [q.body for q in by_name["At risk"].quotes] == ["newest complaint", "newer complaint"]


def test_the_list_is_capped_but_counts_everyone(make_release, theme, say):
    for n in range(5):
        say(account(f"A{n}", risk=80 + n), theme, "reports")
    result = selectors.high_risk_accounts(make_release(), limit=3)
    assert [row.account.name for row in result.rows] == ["A4", "A3", "A2"] and result.total == 5
