"""A small world for the digest, pinned to Monday 2026-03-02 (ISO week 2026-10).

Releases: "Reporting 2.0" launches 2026-03-30 (inside the 6-week horizon, checklist open), "Far away" 2026-06-01
(outside), "Exports" launched 2026-02-27 with a help article, "Bare launch" launched 2026-02-28 with no links.
Accounts: acme (owned by csm1, ARR 150k), globex (owned by sales1, ARR 30k), initech (no owner, ARR 10k).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from feedback.models import Account, FeedbackItem, FeedbackTheme, Lifecycle, Theme
from productops.roles import Role
from readiness import services as readiness_services
from readiness.models import FaqEntry, ProductArea, Release, ReleaseStatus, Tier

TODAY = date(2026, 3, 2)
VERBATIM = "We cannot export the quarterly report without it timing out"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _no_dashboard_cache(settings):
    # The roadmap reads feedback's cached theme figures; tests read their own uncommitted rows.
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def people(make_user):
    return {
        "pm": make_user("pm1", Role.PM, email="pm1@example.com"),
        "ops": make_user("ops1", Role.PRODUCT_OPS, email="ops1@example.com"),
        "csm": make_user("csm1", Role.CSM, email="csm1@example.com"),
        "sales": make_user("sales1", Role.SALES, email="sales1@example.com"),
        "cpo": make_user("cpo1", Role.CPO, email="cpo1@example.com"),
    }


@pytest.fixture
def areas(db):
    return {
        "reporting": ProductArea.objects.create(name="Reporting", slug="reporting", position=0),
        "mobile": ProductArea.objects.create(name="Mobile", slug="mobile", position=1),
    }


@pytest.fixture
def world(people, areas):
    theme = Theme.objects.create(name="Reporting", slug="reporting", keywords=["report"])
    accounts = {
        "acme": Account.objects.create(name="Acme", arr=Decimal("150000"), owner_csm=people["csm"], lifecycle=Lifecycle.CUSTOMER, churn_risk_score=85),
        "globex": Account.objects.create(name="Globex", arr=Decimal("30000"), owner_csm=people["sales"], lifecycle=Lifecycle.PROSPECT),
        "initech": Account.objects.create(name="Initech", arr=Decimal("10000"), lifecycle=Lifecycle.CUSTOMER),
    }  # fmt: skip
    for n, (name, day) in enumerate([("acme", 20), ("globex", 21), ("initech", 22)]):
        item = FeedbackItem.objects.create(
            source="zendesk", external_id=f"w{n}", account=accounts[name], kind="ticket", title="Export",
            body=VERBATIM if name == "acme" else f"report please {n}", occurred_at=datetime(2026, 2, day, 12, tzinfo=UTC),
        )  # fmt: skip
        FeedbackTheme.objects.create(item=item, theme=theme)
    soon = Release.objects.create(
        name="Reporting 2.0", launch_date=date(2026, 3, 30), pm_owner=people["pm"], tier=Tier.MAJOR,
        product_area=areas["reporting"], customer_change="Scheduled reports by email.",
    )  # fmt: skip
    soon.themes.add(theme)
    readiness_services.release_refresh_affected_accounts(release=soon)
    readiness_services.checklist_open(release=soon)
    FaqEntry.objects.create(release=soon, question="Does it cost extra?", answer="No.")
    far = Release.objects.create(
        name="Far away", launch_date=date(2026, 6, 1), pm_owner=people["pm"], product_area=areas["mobile"]
    )
    exports = Release.objects.create(
        name="Exports", launch_date=date(2026, 2, 27), pm_owner=people["pm"], status=ReleaseStatus.LAUNCHED,
        help_article_url="https://help.example.com/exports", product_area=areas["reporting"],
    )  # fmt: skip
    exports.themes.add(theme)
    readiness_services.release_refresh_affected_accounts(release=exports)
    bare = Release.objects.create(
        name="Bare launch",
        launch_date=date(2026, 2, 28),
        pm_owner=people["pm"],
        status=ReleaseStatus.LAUNCHED,
    )
    return {"theme": theme, "accounts": accounts, "soon": soon, "far": far, "exports": exports, "bare": bare}


def client_for_user(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
