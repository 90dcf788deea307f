"""In a real browser: filters swap results in place, live in the URL, survive the back button, and work without JS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from productops.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "e2e-pm")
    page.fill("input[name=password]", "e2e-password")
    page.click("button[type=submit]")
    page.wait_for_url("**/feedback/")


def stat(page) -> str:
    return page.inner_text("[data-testid=stat-items]")


def test_filters_swap_in_place_and_live_in_the_url(store, make_user, live_server, browser):
    make_user("e2e-pm", Role.PM, password="e2e-password")
    page = browser.new_page()
    login(page, live_server)
    assert stat(page) == "9"
    page.evaluate("window.__noReload = true")
    page.check("input[name=source][value=nps]")
    # Locator assertions, not wait_for_function: that evaluates a string, which the CSP (no unsafe-eval) refuses.
    page.wait_for_url(lambda url: "source=nps" in url)
    expect(page.locator("[data-testid=stat-items]")).to_have_text("3")
    assert page.evaluate("window.__noReload") is True  # htmx swapped the results, no page load
    assert page.locator("canvas#dash-series").count() == 1
    page.check("input[name=segment][value=churn_risk]")
    expect(page.locator("[data-testid=stat-items]")).to_have_text("1")
    page.go_back()
    page.wait_for_url(lambda url: "segment=" not in url)
    expect(page.locator("[data-testid=stat-items]")).to_have_text("3")


def test_the_page_works_without_javascript(store, make_user, live_server, browser):
    make_user("e2e-pm", Role.PM, password="e2e-password")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server)
    page.check("input[name=segment][value=customer]")
    page.check("input[name=source][value=nps]")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**source=nps**")
    assert "segment=customer" in page.url
    assert stat(page) == "3"  # a2, g2, u2: the customers' NPS answers
    context.close()
