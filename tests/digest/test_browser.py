"""The issue's "done when", in Chromium: Sales lands on the digest and finds what ships, whom to tell and where the
enablement is; Product Ops drafts, edits, previews and publishes, and the email goes out in HTML and text."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from digest.emails import digest_send
from digest.models import Digest, DigestStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", "60", "--items", "900", "--no-progress", stdout=StringIO())


def test_sales_lands_on_the_digest_and_finds_what_ships_and_whom_to_tell(demo_data, login, live_server):
    page = login("sales")
    assert page.url == f"{live_server.url}/digest/"
    glance = page.locator(".glance")
    assert glance.locator("tbody tr").count() >= 2  # what ships in the next weeks, at a glance
    assert page.locator(".your-accounts").count() >= 1  # the accounts Sales owns, highlighted
    assert page.locator(".quote").count() == 0  # no customer verbatims for Sales
    with page.expect_navigation():
        page.locator(".entry-actions a", has_text="Launch kit").first.click()
    assert "/kit/" in page.url and "Resources" in page.content()


def test_product_ops_drafts_edits_previews_and_publishes(demo_data, login, live_server):
    page = login("productops")
    page.goto(f"{live_server.url}/digest/manage/")
    with page.expect_navigation():
        page.get_by_role("button", name="Draft now").click()
    assert page.url.endswith("/edit/")
    page.fill("#id_intro", "Hello **Sales**, read this first.")
    page.locator(".editor-entry textarea").first.fill("Call [the PM](https://example.com/pm) before launch.")
    with page.expect_navigation(url="**/preview/"):
        page.get_by_role("button", name="Save and preview").click()
    assert "/preview/" in page.url
    assert page.locator(".digest-intro strong", has_text="Sales").count() == 1
    assert page.locator(".note a[href='https://example.com/pm']").count() == 1
    with page.expect_navigation():
        page.locator(".page-actions button", has_text="Publish").click()
    digest = Digest.objects.filter(status=DigestStatus.PUBLISHED).order_by("-year", "-week").first()
    assert page.url.endswith(f"/digest/{digest.period}/") and "Published" in page.content()
    assert (
        digest_send(digest_id=digest.pk) == 3
    )  # the demo's three subscribers (the worker's job in `make run`)
    message = next(m for m in mail.outbox if m.to == ["sales@demo.example"])
    assert "Hello Sales" in message.body.replace("**", "") and message.alternatives[0][1] == "text/html"
