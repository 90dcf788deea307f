from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from feedback import segments
from feedback.models import Account, FeedbackItem, FeedbackTheme, Opportunity, Source, Theme, UsageMetric

pytestmark = pytest.mark.django_db
SMALL = ["--accounts", "60", "--items", "900", "--anchor", "2026-06-30", "--no-progress"]


def _fingerprint() -> str:
    """A hash of the store's content, independent of primary keys and timestamps."""
    rows = [
        *Account.objects.order_by("salesforce_id").values_list(
            "name",
            "domain",
            "lifecycle",
            "arr",
            "churn_risk_score",
            "expansion_candidate",
            "owner_csm__username",
        ),
        *Opportunity.objects.order_by("salesforce_id").values_list(
            "salesforce_id", "account__name", "amount", "status", "opportunity_type", "close_date"
        ),
        *FeedbackItem.objects.order_by("external_id").values_list(
            "external_id",
            "source",
            "account__name",
            "title",
            "body",
            "occurred_at",
            "nps_score",
            "segment_snapshot",
        ),
        *FeedbackTheme.objects.order_by("item__external_id", "theme__name").values_list(
            "item__external_id", "theme__name"
        ),
        *UsageMetric.objects.order_by("account__name", "metric", "date").values_list(
            "account__name", "metric", "date", "value"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *extra, stdout=out)
    return out.getvalue()


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    _seed("--seed", "7")
    first = _fingerprint()
    _seed("--seed", "7", "--flush")
    assert _fingerprint() == first
    _seed("--seed", "8", "--flush")
    assert _fingerprint() != first


def test_demo_data_covers_every_source_segment_and_role():
    output = _seed()
    assert "Demo logins: productops (Product Ops), pm (PM), csm (CSM), sales (Sales), cpo (CPO)" in output
    # --items counts the generated feedback; the trend demo plants its rising themes and clusters on top (issue 13).
    assert FeedbackItem.objects.exclude(external_id__startswith="trends-demo-").count() == 900
    assert set(FeedbackItem.objects.values_list("source", flat=True)) == set(Source.values)
    for segment in segments.segments():
        assert Account.objects.filter(segments.account_q(segment.key)).exists(), segment.key
    # themes overlap across sources: every theme is heard in at least three sources
    for theme in Theme.objects.all():
        assert FeedbackItem.objects.filter(theme_links__theme=theme).values("source").distinct().count() >= 3
    assert Opportunity.objects.filter(blocking_themes__isnull=False).exists()
    assert FeedbackItem.objects.filter(source=Source.NPS, nps_score__isnull=True).count() == 0
    for username in ("productops", "pm", "csm", "sales", "cpo"):
        assert authenticate(username=username, password="demo") is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--accounts", "0"], "--accounts must be between 1 and"),
        (["--accounts", "-5"], "--accounts must be between 1 and"),
        (["--items", "-1"], "--items must be between 0 and"),
        (["--anchor", "yesterday"], "--anchor must be a date"),
        (["--if-empty", "--flush"], "contradict"),
    ],
)
def test_bad_arguments_are_clear_errors_and_write_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", *args, "--no-progress", stdout=StringIO())
    assert not Account.objects.exists() and not FeedbackItem.objects.exists() and not Theme.objects.exists()


def test_a_store_with_data_is_left_alone_unless_flushed():
    _seed()
    before = _fingerprint()
    with pytest.raises(CommandError, match="already has data"):
        call_command("seed_demo", *SMALL, "--seed", "99", stdout=StringIO())
    assert "not seeding" in _seed("--if-empty", "--seed", "99")
    assert _fingerprint() == before
