"""What the CPO's reports page includes: PM internal time over rounds and inbound quality, as one card."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.template import Context, Template
from django.utils import timezone

from audits import selectors, services
from audits.models import InboundQuestion, InboundSource
from tests.audits.conftest import NOW, split_answer


def _closed_round(pm_template, people, name: str, shares: list[int]):
    round_ = services.round_create(template=pm_template, name=name, created_by=people["ops"])
    services.round_open(round=round_)
    for user, share in zip([people["pm"], people["pm2"], people["pm3"]], shares, strict=True):
        services.response_create(round=round_, user=user, answers=split_answer(round_, share))
    return services.round_close(round=round_)


def test_internal_share_over_rounds(pm_template, people):
    _closed_round(pm_template, people, "Q1", [40, 30, 20])
    with time_machine.travel(NOW + timedelta(days=90), tick=False):
        _closed_round(pm_template, people, "Q2", [20, 20, 10])
    data = selectors.pm_internal_share_over_rounds()
    assert data["chart"]["labels"] == ["Q1", "Q2"]
    median, over, line = data["chart"]["datasets"]
    assert median["data"] == [30.0, 20.0] and over["data"] == [66.7, 0.0] and line["data"] == [20.0, 20.0]


def test_the_card_renders_both_charts(pm_template, people):
    _closed_round(pm_template, people, "Q1", [40, 30, 20])
    InboundQuestion.objects.create(
        text="What is the strategy?", source=InboundSource.MANUAL, asked_at=timezone.now() - timedelta(days=2),
        category="strategy", rule_category="strategy",
    )  # fmt: skip
    html = Template("{% load audits_tags %}{% audits_efficiency %}").render(Context({}))
    assert 'id="eff-pm-rounds-data"' in html and 'id="eff-quality-data"' in html
    assert "<script>" not in html.replace(
        '<script id="eff-pm-rounds-data" type="application/json">', ""
    ).replace('<script id="eff-quality-data" type="application/json">', "")


def test_the_card_without_data_says_so(db):
    html = Template("{% load audits_tags %}{% audits_efficiency %}").render(Context({}))
    assert "No closed PM time-audit round yet." in html and "No inbound questions logged" in html


def test_efficiency_metrics_lines_for_the_cpo_summary(pm_template, people):
    _closed_round(pm_template, people, "Q1", [40, 30, 20])
    for days, category in [(3, "strategy"), (5, "how_to"), (10, "strategy"), (100, "how_to"), (95, "strategy"),
                           (97, "how_to"), (99, "how_to")]:  # fmt: skip
        InboundQuestion.objects.create(
            text="q", source=InboundSource.MANUAL, asked_at=timezone.now() - timedelta(days=days),
            category=category, rule_category=category,
        )  # fmt: skip
    lines = selectors.efficiency_metrics()
    assert lines == [
        {"label": "PM time on internal status updates (Q1)", "value": "median 30%; 66.7% of 3 PMs over 20%"},
        {
            "label": "Strategy questions from Sales and CS",
            "value": "66.7% of 3 classified questions in the last 4 weeks (a quarter earlier: 25%)",
        },
    ]


def test_efficiency_metrics_empty_without_data(db):
    assert selectors.efficiency_metrics() == []
