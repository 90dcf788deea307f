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


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
def test_the_kit_reads_the_same_accounts_from_the_fact_table_as_from_the_item_rows(make_release, theme, say):
    """The fact table the kit reads must name exactly the accounts the items do: live links on the themes only."""
    from feedback.models import FeedbackItem, FeedbackTheme
    from feedback.selectors import accounts_asking_about

    other_theme = Theme.objects.create(name="SSO", slug="sso")
    asked = [account(f"Asked {n}", risk=80 + n) for n in range(4)]
    for n, acc in enumerate(asked):
        say(acc, theme, f"reports {n}", day=n + 1)
    say(asked[0], theme, "reports again", day=9)
    removed_at_creation = account("Removed at creation", risk=95)
    say(removed_at_creation, theme, "not about reports", removed=True)
    untagged_later = account("Untagged later", risk=96)
    # a person's untag after the fact
    FeedbackTheme.objects.filter(item=say(untagged_later, theme, "reports?")).update(removed=True)
    kept_one_of_two = account("One link left", risk=97)
    say(kept_one_of_two, theme, "reports for real")
    FeedbackTheme.objects.filter(item=say(kept_one_of_two, theme, "meh")).update(removed=True)
    say(account("Other theme", risk=98), other_theme, "sso")
    say(None, theme, "anonymous reports")  # no account: counts for nobody
    release = make_release()

    from_items = set(
        FeedbackItem.objects.filter(
            theme_links__theme__in=release.themes.all(),
            theme_links__removed=False,
            account__isnull=False,
        ).values_list("account_id", flat=True)
    )
    assert from_items == {acc.pk for acc in asked} | {kept_one_of_two.pk}
    themes = [t.pk for t in release.themes.all()]
    assert set(accounts_asking_about(themes).values_list("account_id", flat=True)) == from_items
    result = selectors.high_risk_accounts(release, limit=50)
    assert {row.account.pk for row in result.rows} == from_items and result.total == len(from_items)
    quotes = {row.account.name: [q.body for q in row.quotes] for row in result.rows}
    assert quotes["Asked 0"] == ["reports again", "reports 0"]
    assert quotes["One link left"] == ["reports for real"]  # the untagged item is not quoted
