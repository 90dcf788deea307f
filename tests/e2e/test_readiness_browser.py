"""The issue's "done when": a CSM sees their releases by risk, ticks two items (one with evidence), opens the kit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from readiness.models import ChecklistItem, Release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", "60", "--items", "900", "--no-progress", stdout=StringIO())


def test_csm_ticks_two_items_and_opens_the_kit(demo_data, login, live_server):
    page = login("csm")
    assert page.url == f"{live_server.url}/readiness/"
    assert page.locator(".segmented .btn-primary").inner_text() == "Touching my accounts"
    cards = page.locator(".release-card")
    scores = [int(cards.nth(n).get_attribute("data-risk-score")) for n in range(cards.count())]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)  # riskiest first
    first_risk = page.locator(".release-card .risk-pill").first.inner_text().lower()
    assert first_risk in {"high risk", "medium risk", "low risk"}

    page.locator(".release-card", has_text="Reporting 2.0").click()
    page.wait_for_load_state("networkidle")
    release = Release.objects.get(name="Reporting 2.0")
    # A CSM ticks the items they own (README, "Launch readiness": who may tick what).
    mine = ChecklistItem.objects.filter(release=release, done_at__isnull=True, owner__username="csm")
    plain = mine.filter(needs_evidence=False).first()
    evidenced = mine.filter(needs_evidence=True).first()

    page.locator(f"#item-{plain.pk} button", has_text="Tick").click()
    page.wait_for_selector(f"#item-{plain.pk}.done")

    row = page.locator(f"#item-{evidenced.pk}")
    row.locator("button", has_text="Tick").click()  # no link yet: refused, error next to the item
    page.wait_for_selector(f"#item-{evidenced.pk} .field-error")
    assert "needs a link" in page.locator(f"#item-{evidenced.pk} .field-error").inner_text()
    page.locator(f"#item-{evidenced.pk} input[name=evidence_url]").fill(
        "https://help.example.com/articles/42"
    )
    page.locator(f"#item-{evidenced.pk} button", has_text="Tick").click()
    page.wait_for_selector(f"#item-{evidenced.pk}.done")
    assert (
        page.locator(f"#item-{evidenced.pk} a", has_text="Evidence").get_attribute("href")
        == "https://help.example.com/articles/42"
    )

    ticked = ChecklistItem.objects.filter(pk__in=[plain.pk, evidenced.pk], done_by__username="csm")
    assert ticked.count() == 2

    page.click("text=Launch Readiness Kit")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Launch Readiness Kit: Reporting 2.0"
    high_risk = page.locator("#high-risk")
    assert "FAQ for these accounts" in high_risk.inner_text()
    assert high_risk.locator("tbody tr").count() > 0
    assert "churn risk" in high_risk.inner_text() or "high ARR" in high_risk.inner_text()
