"""In a real browser: a PM builds an insight report, re-weights it, drills down, prints it on one page; a review pack
is generated and a decision recorded there shows on the theme page."""

from __future__ import annotations

import re

import pytest
import time_machine

from productops.roles import Role
from tests.reports.insight_store import NOW, build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(db):
    with time_machine.travel(NOW, tick=False):
        yield build()


def first_ranked(page) -> str:
    return page.inner_text(".insight-rank tbody tr:first-child td:nth-child(2)")


def test_pm_builds_reweights_drills_and_prints(store, make_user, live_server, page):
    make_user("e2e-pm", Role.PM, password="e2e-password")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e-pm")
    page.fill("#id_password", "e2e-password")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/reports/insight/")
    for name in ("Reporting", "SSO", "Export"):
        page.check(f"label.theme-pick:has-text('{name}') input")
    page.click("button:has-text('Compare')")
    page.wait_for_selector(".insight-rank")
    assert first_ranked(page) == "Reporting"
    assert "Detractors 2.00" in page.inner_text(".insight-rank tbody tr:nth-child(2)")

    page.fill("#id_w_detractors", "10")
    page.click("button:has-text('Compare')")
    page.wait_for_url(re.compile(r"w_detractors=10"))
    assert first_ranked(page) == "SSO"
    assert "Detractors 10.00 \u00d7 100% = 10.00" in page.inner_text(".insight-rank tbody tr:first-child")

    page.click(".insight-table a:has-text('$55k')")  # SSO's open pipeline blocked
    page.wait_for_url(re.compile(r"/reports/insight/deals/"))
    assert page.locator("table.table tbody tr").count() == 2
    page.go_back()

    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, paper


def test_a_decision_recorded_in_the_pack_shows_on_the_theme_page(store, make_user, live_server, page):
    make_user("e2e-pm", Role.PM, password="e2e-password")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e-pm")
    page.fill("#id_password", "e2e-password")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/reports/review/")
    page.click("button:has-text('Generate pack')")
    page.wait_for_selector("#decide")
    page.select_option("#id_theme", label="SSO")
    page.select_option("#id_outcome", value="needs_research")
    page.fill("#id_note", "Which IdPs do the blocked deals need?")
    page.click("button:has-text('Record decision')")
    page.wait_for_selector(".msg-success")
    page.goto(f"{live_server.url}/feedback/themes/{store.themes['sso'].pk}/")
    log = page.inner_text("#review-decisions")
    assert "Needs research" in log and "Which IdPs do the blocked deals need?" in log
