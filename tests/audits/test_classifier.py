"""The shipped rules on a table of example questions, and the rules page: invalid patterns refused at the field,
a person's class kept when rules change, the reason shown."""

from __future__ import annotations

import pytest
from django.test import Client

from audits import inbound_services
from audits.classifier import classify, compile_rule, compile_rules
from audits.defaults import DEFAULT_RULES
from audits.demo import QUESTIONS
from audits.models import ClassifierRule, InboundQuestion, InboundSource

EXAMPLES = [
    # how-to
    ("How do I export a report to PDF?", "how_to"),
    ("how can I add a user to two teams", "how_to"),
    ("How does a customer reset their password?", "how_to"),
    ("Is there a way to bulk-delete tickets?", "how_to"),
    ("Where do I find the API key?", "how_to"),
    ("Can the admin restrict who sees dashboards?", "how_to"),
    ("Can a customer configure SAML without us?", "how_to"),
    ("How to set up the Salesforce sync for a new account?", "how_to"),
    ("Walk me through the import of historical data.", "how_to"),
    ("Does it support exporting to Excel?", "how_to"),
    ("What's the workaround for the 10k row limit?", "how_to"),
    ("How would they turn off email digests?", "how_to"),
    # status
    ("When will the new navigation ship?", "status"),
    ("When is Reporting 2.0 going live for EU customers?", "status"),
    ("What's the ETA on the Android fix?", "status"),
    ("Is the SSO release still on track?", "status"),
    ("Any update on the export bug?", "status"),
    ("Has the Slack integration slipped to next month?", "status"),
    ("What is the status of the audit-log feature?", "status"),
    ("Which release will include dark mode?", "status"),
    ("What's the timeline for webhooks?", "status"),
    ("Is the mobile redesign still planned?", "status"),
    # strategy
    ("What is the strategy for Y?", "strategy"),
    ("What's our strategy for the enterprise segment?", "strategy"),
    ("Why are we building reporting before integrations?", "strategy"),
    ("How should we position the API against competitors?", "strategy"),
    ("Is healthcare a priority market for next year?", "strategy"),
    ("What is the long-term vision for analytics?", "strategy"),
    ("Should we bundle SSO in the Business plan pricing?", "strategy"),
    ("Where is the roadmap heading for mobile?", "strategy"),
    ("How do we differentiate from Looker?", "strategy"),
    ("Are we investing in self-serve onboarding?", "strategy"),
    # none of the rules
    ("Thanks for the demo yesterday!", "unclassified"),
    ("beta feedback from Acme", "unclassified"),  # "eta" inside "beta" is not a status word
]


@pytest.fixture
def default_rules():
    return [
        compile_rule(id=i, category=category, kind=kind, pattern=pattern)
        for i, (category, kind, pattern) in enumerate(DEFAULT_RULES)
    ]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_default_rules_on_examples(default_rules, text, expected):
    assert classify(text, default_rules).category == expected


def test_the_table_is_big_enough():
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize(("category", "text"), [(c, t) for c, texts in QUESTIONS.items() for t in texts])
def test_the_demo_questions_land_where_the_demo_says(default_rules, category, text):
    assert classify(text, default_rules).category == category


def test_match_says_which_rule_and_what_text(default_rules):
    match = classify("Hi! What's our STRATEGY here?", default_rules)
    assert match.rule_id == 0 and match.matched_text == "STRATEGY"


def test_phrase_matches_whole_words_only():
    rule = compile_rule(id=1, category="status", kind="phrase", pattern="on   track")
    assert classify("is it on track?", [rule]).category == "status"
    assert classify("is it on trackpad?", [rule]).category == "unclassified"


def test_invalid_stored_rule_is_skipped_not_fatal():
    class Row:
        id, category, kind, pattern = 1, "status", "regex", "(unclosed"

    assert compile_rules([Row()]) == []


def _question(text: str) -> InboundQuestion:
    return inbound_services.inbound_create(text=text, source=InboundSource.MANUAL)


@pytest.mark.django_db
def test_override_kept_after_reclassification(people):
    inbound_services.rules_ensure_defaults()
    question = _question("When will exports ship?")
    assert question.category == "status"
    inbound_services.inbound_override(question=question, category="strategy", actor=people["ops"])
    other = _question("When will SSO ship?")
    # A new first rule would make both how-to; the person's decision stays, the other follows the rules.
    inbound_services.rule_save(
        rule=ClassifierRule(category="how_to", kind="phrase", pattern="ship", position=1)
    )
    question.refresh_from_db()
    other.refresh_from_db()
    assert (question.category, question.rule_category, question.override_category) == (
        "strategy",
        "how_to",
        "strategy",
    )
    assert other.category == "how_to" and other.matched_text == "ship"
    # Handing it back to the rules
    inbound_services.inbound_override(question=question, category="", actor=people["ops"])
    question.refresh_from_db()
    assert question.category == "how_to" and question.override_by is None


@pytest.fixture
def ops_client(people):
    client = Client()
    client.force_login(people["ops"])
    return client


@pytest.mark.django_db
def test_invalid_regex_is_refused_next_to_the_field(ops_client):
    inbound_services.rules_ensure_defaults()
    before = ClassifierRule.objects.count()
    response = ops_client.post(
        "/audits/inbound/rules/",
        {"category": "status", "kind": "regex", "pattern": "when (will", "position": 5},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not a valid regular expression: missing ), unterminated subpattern" in html
    assert 'value="when (will"' in html  # nothing lost: what they typed is still there
    assert ClassifierRule.objects.count() == before

    rule = ClassifierRule.objects.first()
    response = ops_client.post(
        f"/audits/inbound/rules/{rule.pk}/",
        {f"r{rule.pk}-category": "status", f"r{rule.pk}-kind": "regex", f"r{rule.pk}-pattern": "[a-",
         f"r{rule.pk}-position": 1, f"r{rule.pk}-enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Not a valid regular expression" in response.content.decode()
    rule.refresh_from_db()
    assert rule.pattern == DEFAULT_RULES[0][2]


@pytest.mark.django_db
def test_a_pattern_that_matches_everything_is_refused(ops_client):
    response = ops_client.post(
        "/audits/inbound/rules/", {"category": "status", "kind": "regex", "pattern": ".*", "position": 5}
    )
    assert response.status_code == 400
    assert "so it would match everything" in response.content.decode()


@pytest.mark.django_db
def test_adding_a_rule_reclassifies_and_the_log_shows_why(ops_client):
    question = _question("Can we get a quote for 300 seats?")
    assert question.category == "unclassified"
    response = ops_client.post(
        "/audits/inbound/rules/",
        {"category": "strategy", "kind": "regex", "pattern": r"\bquote\b", "position": 5, "enabled": "on"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.category == "strategy"
    page = ops_client.get("/audits/inbound/").content.decode()
    assert "Regular expression <code>\\bquote\\b</code> matched “quote”." in page


@pytest.mark.django_db
def test_a_big_log_is_reclassified_by_a_task_after_the_rule_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.AUDITS_RECLASSIFY_INLINE_MAX = 1
    first, second = _question("Can we get a quote?"), _question("A quote for 10 seats")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        changed = inbound_services.rule_save(
            rule=ClassifierRule(category="strategy", kind="phrase", pattern="quote", position=1)
        )
    assert changed is None
    first.refresh_from_db()
    assert first.category == "unclassified"  # nothing until the task runs
    for callback in callbacks:
        callback()  # the suite runs tasks eagerly
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.category, second.category) == ("strategy", "strategy")
