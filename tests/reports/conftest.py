from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

import pytest
import time_machine

from feedback.models import Account, FeedbackItem, FeedbackTheme, Lifecycle, Theme
from productops.roles import Role

# A Wednesday: the week in progress (from Monday Nov 23) is partial. Recent weeks: Oct 26 - Nov 22; baseline: the
# 12 weeks before (Aug 3 - Oct 25).
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TODAY = NOW.date()
THIS_MONDAY = date(2026, 11, 23)
RECENT_FROM = date(2026, 10, 26)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _no_report_cache(settings):
    # The report cache keys on PostgreSQL's write counters, which a test's rolled-back transaction never moves.
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def people(make_user):
    return {
        "pm": make_user("pm1", Role.PM),
        "ops": make_user("ops1", Role.PRODUCT_OPS),
        "cpo": make_user("cpo1", Role.CPO, email="cpo1@example.com"),
        "cpo2": make_user("cpo2", Role.CPO, email="cpo2@example.com"),
        "sales": make_user("sales1", Role.SALES),
        "csm": make_user("csm1", Role.CSM),
    }


@pytest.fixture
def make_theme(db) -> Callable[[str], Theme]:
    def make(name: str) -> Theme:
        return Theme.objects.create(name=name, slug=name.lower().replace(" ", "-"))

    return make


@pytest.fixture
def make_account(db) -> Callable[..., Account]:
    def make(name: str, *, arr: int = 10_000, lifecycle: str = Lifecycle.CUSTOMER, risk: int = 0,
             expansion: bool = False) -> Account:  # fmt: skip
        return Account.objects.create(
            name=name,
            lifecycle=lifecycle,
            arr=Decimal(arr),
            churn_risk_score=risk,
            expansion_candidate=expansion,
        )

    return make


@pytest.fixture
def say(db) -> Callable[..., FeedbackItem]:
    numbers = count(1)

    def add(account: Account | None, theme: Theme | None, day: date, *, kind: str = "ticket",
            nps: int | None = None, title: str = "t", body: str = "b") -> FeedbackItem:  # fmt: skip
        item = FeedbackItem.objects.create(
            source="zendesk" if kind == "ticket" else "nps", external_id=f"x{next(numbers)}", account=account,
            kind=kind, title=title, body=body, nps_score=nps,
            occurred_at=datetime.combine(day, time(10), tzinfo=UTC),
        )  # fmt: skip
        if theme is not None:
            FeedbackTheme.objects.create(item=item, theme=theme)
        return item

    return add


def week(n_before: int) -> date:
    """The Monday n weeks before this week's (1 = last complete week)."""
    return THIS_MONDAY - timedelta(weeks=n_before)
