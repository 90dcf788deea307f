from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from audits import services
from audits.models import SurveyTemplate
from productops.roles import Role

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(make_user):
    return {
        "ops": make_user("ops1", Role.PRODUCT_OPS, email="ops1@example.com"),
        "pm": make_user("pm1", Role.PM, email="pm1@example.com"),
        "pm2": make_user("pm2", Role.PM, email="pm2@example.com"),
        "pm3": make_user("pm3", Role.PM, email="PM3@Example.com"),
        "sales": make_user("sales1", Role.SALES, email="sales1@example.com"),
        "csm": make_user("csm1", Role.CSM, email="csm1@example.com"),
        "cpo": make_user("cpo1", Role.CPO, email="cpo1@example.com"),
    }


@pytest.fixture
def pm_template(db):
    services.templates_ensure_defaults()
    return SurveyTemplate.objects.get(key="pm-time-audit")


@pytest.fixture
def revenue_template(db):
    services.templates_ensure_defaults()
    return SurveyTemplate.objects.get(key="revenue-time-audit")


@pytest.fixture
def pm_round(pm_template, people):
    """An open PM round with the three PMs as participants."""
    round_ = services.round_create(template=pm_template, name="PM audit", created_by=people["ops"])
    return services.round_open(round=round_)


def split_answer(round_, internal: int) -> dict[str, object]:
    """A valid PM answer with `internal` percent on internal status."""
    questions = list(round_.questions.order_by("position", "id"))
    split = questions[0]
    rest = 100 - internal
    shares = [internal, rest // 2, rest - rest // 2, 0, 0]
    return {
        str(split.pk): dict(zip(split.choices, shares, strict=True)),
        str(questions[1].pk): 10,
        str(questions[2].pk): 3,
        str(questions[3].pk): 4,
    }


@pytest.fixture(autouse=True)
def eager_celery():
    """Run enqueued tasks in-process (the suite's REDIS_URL would otherwise send them to a broker)."""
    from productops.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def no_contact_cache(settings):
    # Each test has its own Gong calls; a count cached by an earlier test must not answer for them.
    settings.AUDITS_CONTACT_CACHE_SECONDS = 0
