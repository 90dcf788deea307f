from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import requests
import trustme
from simple_salesforce import Salesforce

from feedback.models import Account, Opportunity
from integrations.engine import RetryPolicy
from integrations.gong.connector import GongCalls, GongSettings
from integrations.salesforce.connector import SalesforceObjects
from integrations.zendesk.connector import ZendeskSettings, ZendeskTickets
from simulators.gong import FakeGong
from simulators.salesforce import FakeSalesforce
from simulators.zendesk import FakeZendesk

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
SALESFORCE_NOW = datetime(2026, 2, 10, tzinfo=UTC)


class FakeSleep:
    """Records the waits the engine asks for instead of sleeping: tests never wait on real time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def policy():
    import random

    return RetryPolicy(attempts=4, base_seconds=1.0, cap_seconds=30.0, rng=random.Random(7))


@pytest.fixture
def zendesk(monkeypatch):
    fake = FakeZendesk(page_size=2).start()
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", f"127.0.0.1:{fake.port}")
    yield fake
    fake.stop()


@pytest.fixture
def zendesk_connector(zendesk):
    def make() -> ZendeskTickets:
        session = requests.Session()
        session.trust_env = False  # this machine sets proxy / CA variables that must not apply to 127.0.0.1
        return ZendeskTickets(
            ZendeskSettings(subdomain="acme", email="ops@acme.test", token="t0ken", page_size=2),
            session=session,
        )

    return make


@pytest.fixture
def gong():
    fake = FakeGong(page_size=2).start()
    yield fake
    fake.stop()


@pytest.fixture
def gong_connector(gong):
    def make(now: datetime = NOW) -> GongCalls:
        config = GongSettings(
            base_url=gong.base_url, access_key="key", access_key_secret="secret", lookback_hours=48
        )
        client = httpx.Client(base_url=gong.base_url, auth=("key", "secret"), trust_env=False, timeout=5)
        return GongCalls(config, client=client, now=lambda: now)

    return make


@pytest.fixture
def accounts(db):
    acme = Account.objects.create(
        name="Acme",
        domain="acme.example",
        salesforce_id="001ACME",
        zendesk_org_id="501",
        lifecycle="customer",
    )
    globex = Account.objects.create(
        name="Globex", domain="globex.example", salesforce_id="001GLOBEX", lifecycle="customer"
    )
    deal = Opportunity.objects.create(
        salesforce_id="006DEAL", account=globex, name="Globex expansion", amount=80000
    )
    return {"acme": acme, "globex": globex, "deal": deal}


@pytest.fixture
def salesforce(tmp_path):
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    fake = FakeSalesforce(ca, page_size=2).start()
    fake.ca_file = str(ca_file)
    yield fake
    fake.stop()


@pytest.fixture
def connector(salesforce):
    sessions = iter(f"SESSION-{n}" for n in range(1, 100))

    def log_in() -> Salesforce:
        session_id = next(sessions)
        salesforce.sessions.add(session_id)  # what a real login does: the new session is valid from now on
        session = requests.Session()
        session.verify = salesforce.ca_file
        session.trust_env = False  # REQUESTS_CA_BUNDLE on this machine would override verify
        return Salesforce(instance_url=salesforce.instance_url, session_id=session_id, session=session)

    def make(now: datetime = SALESFORCE_NOW) -> SalesforceObjects:
        return SalesforceObjects(log_in, now=lambda: now)

    return make
