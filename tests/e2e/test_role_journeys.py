"""One journey per role in Debian's Chromium, on every page the role's navigation offers.

Each journey asserts what the user sees, fails on any Content-Security-Policy violation or script error (no inline
script anywhere), and leaves a screenshot per step in test-artifacts/journeys/ (E2E_ARTIFACTS to move it).
"""

from __future__ import annotations

import os
import re
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from feedback.models import Account
from integrations.models import RunStatus, SyncRun
from readiness.models import ChecklistItem, Release

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = (
    Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")) / "journeys"
)


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", "60", "--items", "900", "--no-progress", stdout=StringIO())


class Watch:
    """Collects what the browser reports: CSP violations and uncaught script errors fail the journey."""

    def __init__(self, page, role: str) -> None:
        self.page, self.role, self.problems, self.step = page, role, [], 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or message.type == "error":
            self.problems.append(f"{message.type}: {message.text} ({self.page.url})")

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.role}-{self.step:02d}-{name}.png"), full_page=True)

    def visit_every_nav_page(self) -> list[str]:
        """Open each page of the sidebar: a heading, no error page, no CSP report."""
        links = self.page.locator("nav[aria-label=Pillars] a")
        hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
        for href in hrefs:
            self.page.goto(self.page.url.split("/", 3)[0] + "//" + self.page.url.split("/", 3)[2] + href)
            self.page.wait_for_load_state("networkidle")
            expect(self.page.locator("h1")).to_be_visible()
            assert "Server Error" not in self.page.content()
            self.shot(href.strip("/").replace("/", "-") or "home")
        return hrefs

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def test_pm_filters_searches_and_opens_an_account(demo_data, login, live_server):
    page = login("pm")
    watch = Watch(page, "pm")
    assert page.url == f"{live_server.url}/feedback/"
    total = int(page.inner_text("[data-testid=stat-items]").replace(",", ""))
    assert total > 0
    watch.shot("dashboard")
    page.check("input[name=source][value=zendesk]")
    page.wait_for_url(lambda url: "source=zendesk" in url)
    expect(page.locator("[data-testid=stat-items]")).not_to_have_text(str(total))
    watch.shot("filtered")
    page.fill("input[name=q]", "report")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=report" in url)
    expect(page.locator("mark").first).to_be_visible()  # the search words are highlighted
    watch.shot("search")
    account_link = page.locator("a[href^='/feedback/accounts/']").first
    name = account_link.inner_text()
    account_link.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text(name)
    watch.shot("account-360")
    page.goto(f"{live_server.url}/reports/insight/")  # the Strategic Insight report
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Insight")
    watch.shot("insight")
    hrefs = watch.visit_every_nav_page()
    assert "/feedback/" in hrefs and "/integrations/" not in hrefs
    watch.check()


def test_csm_ticks_own_item_with_evidence_and_opens_the_kit(demo_data, login, live_server):
    page = login("csm")
    watch = Watch(page, "csm")
    assert page.url == f"{live_server.url}/readiness/"
    watch.shot("board")
    release = Release.objects.get(name="Reporting 2.0")
    item = ChecklistItem.objects.filter(
        release=release, owner__username="csm", needs_evidence=True, done_at__isnull=True
    ).first()
    page.locator(".release-card", has_text="Reporting 2.0").click()
    page.wait_for_load_state("networkidle")
    others = ChecklistItem.objects.filter(release=release, done_at__isnull=True).exclude(
        owner__username="csm"
    )
    assert (
        page.locator(f"#item-{others.first().pk} button", has_text="Tick").count() == 0
    )  # not theirs to tick
    page.locator(f"#item-{item.pk} input[name=evidence_url]").fill(
        "https://docs.example.com/training-recording"
    )
    page.locator(f"#item-{item.pk} button", has_text="Tick").click()
    page.wait_for_selector(f"#item-{item.pk}.done")
    watch.shot("ticked")
    page.click("text=Launch Readiness Kit")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("Launch Readiness Kit: Reporting 2.0")
    expect(page.locator("#high-risk")).to_contain_text("What they said")
    watch.shot("kit")
    watch.visit_every_nav_page()
    watch.check()


def test_sales_reads_the_digest_and_the_kit_without_verbatims(demo_data, login, live_server):
    page = login("sales")
    watch = Watch(page, "sales")
    assert page.url == f"{live_server.url}/digest/"
    expect(page.locator("h1")).to_contain_text("digest")
    watch.shot("digest")
    page.goto(f"{live_server.url}/roadmap/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_be_visible()
    watch.shot("roadmap")
    hrefs = watch.visit_every_nav_page()
    assert "/feedback/" not in hrefs
    release = Release.objects.get(name="Reporting 2.0")
    page.goto(f"{live_server.url}/readiness/releases/{release.pk}/kit/")
    expect(page.locator("#high-risk")).to_be_visible()
    assert "What they said" not in page.inner_text("#high-risk")
    assert page.locator("blockquote.quote").count() == 0
    watch.shot("kit-no-verbatims")
    page.goto(f"{live_server.url}/accounts/api-tokens/")
    page.click("text=Create a token")
    expect(page.locator("#new-token")).to_have_text(re.compile(r"^[0-9a-f]{40}$"))
    watch.shot("api-token")
    page.goto(f"{live_server.url}/api/docs/")  # Swagger UI from the sidecar package, started by a script file
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Product Ops portal API", timeout=15_000)
    watch.shot("api-docs")
    watch.check()
    response = page.goto(f"{live_server.url}/feedback/")  # customer verbatims: refused to Sales
    assert response.status == 403 and "may not" in page.content()


def test_cpo_reads_the_trend_report(demo_data, login, live_server):
    page = login("cpo")
    watch = Watch(page, "cpo")
    assert page.url == f"{live_server.url}/reports/"
    page.wait_for_selector("canvas[data-drawn]")  # a chart, drawn by static/js/charts.js under the CSP
    watch.shot("reports")
    watch.visit_every_nav_page()
    watch.check()


ZENDESK_ON = {"ZENDESK_ENABLED": True, "ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "ops@acme.test",
              "ZENDESK_API_TOKEN": "t"}  # fmt: skip


def test_product_ops_syncs_against_the_simulator_and_the_run_appears(
    demo_data, login, live_server, monkeypatch
):
    import requests
    from celery.contrib.testing.worker import start_worker

    from integrations.zendesk import connector as zendesk_module
    from productops.celery import app as celery_app
    from simulators.zendesk import FakeZendesk

    fake = FakeZendesk(page_size=2).start()
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", f"127.0.0.1:{fake.port}")
    real_session = requests.Session

    def session_without_env():  # the machine's proxy / CA variables must not apply to 127.0.0.1
        session = real_session()
        session.trust_env = False
        return session

    monkeypatch.setattr(zendesk_module.requests, "Session", session_without_env)
    domain = Account.objects.exclude(domain="").values_list("domain", flat=True).first()
    fake.add_ticket(
        subject="Exports time out", description="Our weekly export times out", organization_id=None
    )
    fake.add_ticket(subject="SSO", description=f"Need SAML for {domain}", organization_id=None)
    try:
        with override_settings(**ZENDESK_ON):
            celery_app.control.purge()
            with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                page = login("productops")
                watch = Watch(page, "productops")
                assert page.url == f"{live_server.url}/integrations/"
                watch.shot("integrations")
                card = page.locator(".card", has=page.locator("h2", has_text="Zendesk")).first
                card.locator("button", has_text="Sync now").click()
                run = _wait_for_run()
                assert run.status == RunStatus.SUCCEEDED and run.created == 2
                page.reload()
                expect(page.locator("#runs tbody tr").first).to_contain_text("zendesk/tickets")
                expect(page.locator("#runs tbody tr").first).to_contain_text("Succeeded")
                watch.shot("run-appears")
                watch.visit_every_nav_page()
                watch.check()
    finally:
        fake.stop()


def _wait_for_run() -> SyncRun:
    """Poll for the worker's result: bounded, each poll a real round trip rather than a fixed sleep."""
    done = threading.Event()
    for _ in range(300):
        run = SyncRun.objects.filter(connection__vendor="zendesk").exclude(status=RunStatus.RUNNING).first()
        if run is not None:
            return run
        done.wait(0.1)
    raise AssertionError("the worker did not finish the sync within 30 s")
