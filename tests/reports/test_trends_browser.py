"""The issue's "done when", in a real browser: the CPO sees the planted rising churn and expansion themes with the
test's verdict and the ARR behind each, and a launched demo release shows its launch outcome."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from readiness.models import Release
from reports.trends_demo import CHURN_THEME, EXPANSION_THEME, LAUNCH_RELEASE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def frozen_now():
    # Real time here: the browser's own timers must run. The demo is anchored on today instead.
    yield


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", "200", "--items", "4000", "--no-progress", stdout=StringIO())


def test_cpo_sees_rising_churn_and_expansion_themes_and_a_launch_outcome(demo_data, login, live_server):
    page = login("cpo")
    assert page.url == f"{live_server.url}/reports/"
    churn = page.locator("#churn .rising-list li").first
    assert (
        CHURN_THEME in churn.inner_text() and "rising" in churn.inner_text() and "ARR" in churn.inner_text()
    )
    expansion = page.locator("#expansion .rising-list li").first
    assert EXPANSION_THEME in expansion.inner_text() and "ARR" in expansion.inner_text()
    assert page.locator("#churn canvas").count() == 1

    page.click("text=Full trend report")
    page.wait_for_load_state("networkidle")
    page.click("text=How a theme is flagged as rising")
    assert "exact conditional Poisson rate test" in page.locator(".help-card").inner_text()
    row = page.locator("#churn tr.is-rising").first
    assert CHURN_THEME in row.inner_text() and "$" in row.inner_text()
    assert page.locator("#themes canvas").count() >= 12
    assert page.locator(".cluster").count() == 3

    release = Release.objects.get(name=LAUNCH_RELEASE)
    page.goto(f"{live_server.url}/readiness/releases/{release.pk}/")
    outcome = page.locator(".launch-outcome").inner_text()
    assert "Launch outcome" in outcome and "fewer" in outcome and "complete" in outcome
