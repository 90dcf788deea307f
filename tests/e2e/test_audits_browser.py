"""The audits issue's "done when", in Chromium: productops runs a round with the demo users and sees the verdict
with charts; the quality-of-inbound chart moves when strategy questions are logged; sales asks a PM from a release
page and pm answers it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from audits import services
from audits.models import InboundQuestion, Round
from readiness.models import Release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", "60", "--items", "900", "--no-progress", stdout=StringIO())


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def log_in(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield log_in
    for context in contexts:
        context.close()


def _latest_strategy_share(page) -> float | None:
    data = json.loads(page.locator("#log-share-data").text_content())
    all_teams = next(d for d in data["datasets"] if d["label"].startswith("All teams"))
    return all_teams["data"][-1]


def test_productops_runs_a_round_and_reads_the_verdict(demo_data, as_user, live_server):
    ops = as_user("productops")
    ops.goto(f"{live_server.url}/audits/rounds/new/")
    ops.select_option("#id_template", label="PM time audit")
    ops.fill("#id_name", "PM time audit, browser")
    ops.click("button:has-text('Create draft round')")
    ops.wait_for_load_state("networkidle")
    ops.click("button:has-text('Open the round')")
    ops.wait_for_load_state("networkidle")
    round_ = Round.objects.get(name="PM time audit, browser")
    assert round_.status == "open" and round_.participant_rows.count() == 5

    pm = as_user("pm")
    pm.goto(f"{live_server.url}/audits/")
    pm.click("text=PM time audit, browser")
    pm.wait_for_load_state("networkidle")
    questions = list(round_.questions.order_by("position", "id"))
    split = questions[0]
    for n, value in enumerate(["30", "20", "20", "20"]):
        pm.fill(f"input[name=q{split.pk}_{n}]", value)
    assert (
        pm.locator("[data-split-total]").inner_text() == "90"
    )  # the running total, before the server says so
    pm.fill(f"input[name=q{questions[1].pk}]", "12")
    pm.fill(f"input[name=q{questions[2].pk}]", "3")
    pm.check(f"input[name=q{questions[3].pk}][value='4']")
    pm.click("button:has-text('Send my answers')")
    pm.wait_for_load_state("networkidle")
    assert "The percentages must add up to 100; they add up to 90." in pm.locator(".field-error").inner_text()
    assert pm.input_value(f"input[name=q{questions[1].pk}]") == "12"  # nothing lost
    pm.fill(f"input[name=q{split.pk}_4]", "10")
    pm.click("button:has-text('Send my answers')")
    pm.wait_for_load_state("networkidle")
    assert "your answers are saved" in pm.locator(".messages").inner_text()

    # The other demo PMs have no password; they answer through the same service the page uses.
    from tests.audits.conftest import split_answer

    for participant, internal in zip(
        round_.participants.exclude(username="pm").order_by("username"), [35, 20, 25, 10], strict=True
    ):
        services.response_create(round=round_, user=participant, answers=split_answer(round_, internal))

    ops.goto(f"{live_server.url}/audits/rounds/{round_.pk}/")
    ops.click("button:has-text('Close the round')")
    ops.wait_for_load_state("networkidle")
    ops.goto(f"{live_server.url}/audits/rounds/{round_.pk}/results/")
    ops.wait_for_load_state("networkidle")
    verdict = ops.locator("#verdict").inner_text()
    assert "The company needs Product Ops" in verdict
    assert "the median PM spends 25%, 5 points over the line; 3 of 5 PMs (60%) are over the line" in verdict
    drawn = ops.evaluate("Array.from(document.querySelectorAll('canvas')).filter(c => c._chart).length")
    assert drawn >= 5  # distribution, average week, counts, scale, comparison with the earlier rounds


def test_quality_chart_moves_when_strategy_questions_are_logged(demo_data, as_user, live_server):
    ops = as_user("productops")
    ops.goto(f"{live_server.url}/audits/inbound/")
    before = _latest_strategy_share(ops)
    for text in [
        "What is our strategy for EMEA?",
        "Why are we investing in mobile?",
        "Is SMB a priority segment?",
    ]:
        ops.fill("#log-form textarea[name=text]", text)
        ops.click("#log-form button:has-text('Log it')")
        ops.wait_for_load_state("networkidle")
    after = _latest_strategy_share(ops)
    assert after > before
    assert InboundQuestion.objects.filter(
        category="strategy", source="manual", text__contains="EMEA"
    ).exists()


def test_sales_asks_the_pm_from_a_release_page_and_pm_answers(demo_data, as_user, live_server):
    release = Release.objects.get(name="Reporting 2.0")
    sales = as_user("sales")
    sales.goto(f"{live_server.url}/readiness/releases/{release.pk}/")
    sales.click("summary:has-text('Ask the PM')")
    sales.fill(f"#ask-text-{release.pk}", "How should we position Reporting 2.0 in the Acme renewal?")
    sales.click("button:has-text('Send to Morgan Reyes')")
    sales.wait_for_load_state("networkidle")
    assert "Your question went to Morgan Reyes" in sales.locator(".messages").inner_text()
    question = InboundQuestion.objects.get(text__contains="Acme renewal")
    assert question.category == "strategy"

    pm = as_user("pm")
    pm.goto(f"{live_server.url}/audits/inbox/")
    item = pm.locator(f"#question-{question.pk}")
    item.locator("textarea").fill("Lead with scheduled exports; Looker has none in their base tier.")
    item.locator("button:has-text('Send answer')").click()
    pm.wait_for_load_state("networkidle")
    question.refresh_from_db()
    assert question.answered_at is not None

    sales.goto(f"{live_server.url}/audits/inbox/")
    assert "Lead with scheduled exports" in sales.locator(f"#asked-{question.pk}").inner_text()
