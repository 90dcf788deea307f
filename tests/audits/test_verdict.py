"""The framework's rule at its edges: more than 20% means strictly more; too few answers give no verdict."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audits import results, selectors, services
from audits.models import Category, InboundQuestion, InboundSource
from tests.audits.conftest import split_answer


@pytest.mark.parametrize(
    ("shares", "holds", "phrase"),
    [
        ([20, 20, 20], False, "exactly at the line (20% is not more than 20%)"),
        ([19, 20, 21], False, "exactly at the line"),
        ([20, 21, 21], True, "1 points over the line"),
        ([10, 20.5, 30], True, "0.5 points over the line"),
        ([5, 10, 15], False, "10 points under the line"),
        ([35, 40, 20], True, "15 points over the line"),
    ],
)
def test_pm_condition_edges(shares, holds, phrase):
    condition = results.pm_condition(results.share_stats(shares, 20), 20)
    assert condition.holds is holds
    assert phrase in condition.text


def test_exactly_20_percent_is_not_counted_over_the_line():
    stats = results.share_stats([20, 20, 21, 40], 20)
    assert (stats.over, stats.share_over, stats.median) == (2, 50.0, 20.5)
    assert "2 of 4 PMs (50%) are over the line" in results.pm_condition(stats, 20).text


def test_inbound_condition_edges():
    level = results.inbound_condition({"how_to": 5, "strategy": 5, "status": 2}, 10, "lately")
    assert level.holds is False and "level with or ahead" in level.text
    ahead = results.inbound_condition({"how_to": 6, "strategy": 5, "status": 1}, 10, "lately")
    assert ahead.holds is True and "how-to leads by 8.3 points" in ahead.text
    few = results.inbound_condition({"how_to": 6, "strategy": 1}, 10, "lately")
    assert few.holds is None and "Too few" in few.text


def test_verdict_says_too_few_answers_instead_of_judging():
    condition = results.Condition("pm_time", True, "x")
    verdict = results.verdict(answered=2, participants=9, minimum=3, conditions=[condition])
    assert verdict.status == "too_few"
    assert verdict.headline.startswith("Too few answers for a verdict: 2 of 9 participants answered")
    assert verdict.conditions == []


def test_round_verdict_from_answers(pm_round, people, settings):
    settings.AUDITS_MIN_RESPONSES = 3
    for user, internal in [(people["pm"], 20), (people["pm2"], 20), (people["pm3"], 25)]:
        services.response_create(round=pm_round, user=user, answers=split_answer(pm_round, internal))
    data = selectors.round_results(pm_round)
    verdict = data["verdict"]
    assert verdict.status == "no_gap"  # median exactly 20: not more than 20; no inbound data either
    pm = verdict.conditions[0]
    assert pm.holds is False and "the median PM spends 20%" in pm.text and "1 of 3 PMs" in pm.text
    assert verdict.conditions[1].holds is None


def test_round_verdict_with_gap_and_inbound(pm_round, people, settings):
    settings.AUDITS_MIN_INBOUND = 4
    for user, internal in [(people["pm"], 30), (people["pm2"], 22), (people["pm3"], 10)]:
        services.response_create(round=pm_round, user=user, answers=split_answer(pm_round, internal))
    for text, category in [("a", "how_to"), ("b", "how_to"), ("c", "how_to"), ("d", "strategy")]:
        InboundQuestion.objects.create(
            text=text, source=InboundSource.MANUAL, team="sales", asked_at=pm_round.opened_at - timedelta(days=1),
            category=category, rule_category=category,
        )  # fmt: skip
    verdict = selectors.round_results(pm_round)["verdict"]
    assert verdict.status == "gap"
    assert verdict.headline == (
        "The company needs Product Ops: both conditions hold (PMs' internal time and the quality of inbound)."
    )
    assert (
        "the median PM spends 22%, 2 points over the line; 2 of 3 PMs (66.7%)" in verdict.conditions[0].text
    )
    assert "75% how-to and 25% strategy" in verdict.conditions[1].text
    assert Category.UNCLASSIFIED not in verdict.conditions[1].text


def test_round_with_too_few_answers(pm_round, people):
    services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 50))
    data = selectors.round_results(pm_round)
    assert data["verdict"].status == "too_few"
    assert "1 of 3 participants answered" in data["verdict"].headline
