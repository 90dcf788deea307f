from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command(
        "seed_demo",
        "--accounts",
        "30",
        "--items",
        "300",
        "--anchor",
        "2026-06-30",
        "--no-progress",
        stdout=StringIO(),
    )


@pytest.mark.parametrize(
    ("username", "landing", "heading", "visible", "hidden"),
    [
        ("pm", "/feedback/", "Feedback", ["Feedback", "Reports"], ["Integrations"]),
        ("csm", "/readiness/", "Launch readiness", ["Readiness", "Feedback"], ["Integrations", "Reports"]),
        ("sales", "/digest/", "Weekly product digest", ["Digest"], ["Feedback", "Integrations"]),
        ("cpo", "/reports/", "Trend reports", ["Reports", "Feedback"], ["Integrations"]),
        ("productops", "/integrations/", "Integrations", ["Integrations", "Feedback", "Reports"], []),
    ],
)
def test_each_demo_user_logs_in_and_sees_the_layout_for_their_role(
    demo_data, login, live_server, username, landing, heading, visible, hidden
):
    page = login(username)
    assert page.url == f"{live_server.url}{landing}"
    assert page.locator("h1").inner_text().startswith(heading)
    nav = page.locator("nav[aria-label=Pillars]").inner_text()
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav
    assert page.locator(".whoami .pill").first.inner_text()


def test_trend_report_draws_a_chart(demo_data, login):
    page = login("cpo")
    # The CPO's landing is the trend overview (issue 13): its churn-signal chart draws the top three themes.
    page.wait_for_selector(
        "#churn-chart[data-drawn]"
    )  # charts.js marks a drawn canvas (no eval under the CSP)
    datasets = page.evaluate("document.getElementById('churn-chart')._chart.data.datasets.length")
    assert datasets == 3


def test_wrong_password_stays_on_login_with_an_error(demo_data, login, live_server):
    page = login("pm", password="not-the-password")
    assert "/accounts/login/" in page.url
    assert "correct username and password" in page.locator(".form-error").inner_text()
