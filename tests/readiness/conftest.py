from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from feedback.models import Account, FeedbackItem, FeedbackTheme, Lifecycle, Theme
from productops.roles import Role
from readiness import services
from readiness.models import Release, Tier

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    # Pages compute overdue / due-soon from today's date: pin it so results never depend on the calendar.
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def people(make_user):
    return {
        "pm": make_user("pm1", Role.PM),
        "ops": make_user("ops1", Role.PRODUCT_OPS),
        "csm": make_user("csm1", Role.CSM),
        "csm2": make_user("csm2", Role.CSM),
        "sales": make_user("sales1", Role.SALES),
        "cpo": make_user("cpo1", Role.CPO),
    }


@pytest.fixture
def theme(db) -> Theme:
    return Theme.objects.create(name="Reporting", slug="reporting", keywords=["report"])


@pytest.fixture
def make_release(people, theme):
    def make(
        name: str = "Reporting 2.0", *, launch: date = date(2026, 4, 6), tier: str = Tier.MAJOR
    ) -> Release:
        release = Release.objects.create(name=name, launch_date=launch, tier=tier, pm_owner=people["pm"])
        release.themes.add(theme)
        return release

    return make


@pytest.fixture
def say():
    counter = iter(range(1, 10_000))

    def add(
        account: Account | None, theme: Theme, body: str, *, day: int = 1, removed: bool = False
    ) -> FeedbackItem:
        item = FeedbackItem.objects.create(
            source="zendesk", external_id=str(next(counter)), account=account, kind="ticket", title="t", body=body,
            occurred_at=datetime(2026, 2, day, 12, tzinfo=UTC),
        )  # fmt: skip
        FeedbackTheme.objects.create(item=item, theme=theme, removed=removed)
        return item

    return add


def account(
    name: str, *, arr: str = "10000", risk: int = 0, owner=None, lifecycle: str = Lifecycle.CUSTOMER
) -> Account:
    return Account.objects.create(
        name=name, arr=Decimal(arr), churn_risk_score=risk, owner_csm=owner, lifecycle=lifecycle
    )


@pytest.fixture
def open_release(make_release, theme, say, people) -> Release:
    """A release whose checklist is open, linked to a theme six at-risk accounts of the CSM gave feedback on."""
    release = make_release(launch=date(2026, 4, 6))
    for n in range(6):
        say(account(f"Acct {n}", risk=90, owner=people["csm"]), theme, f"reports {n}")
    services.release_refresh_affected_accounts(release=release)
    services.checklist_open(release=release)
    return release
