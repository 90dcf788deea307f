from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from feedback.models import FeedbackItem
from integrations import engine
from integrations.models import RejectedRecord, RunStatus, SyncRun
from productops.celery import app as celery_app
from productops.roles import Role

ZENDESK_ON = {
    "ZENDESK_ENABLED": True,
    "ZENDESK_SUBDOMAIN": "acme",
    "ZENDESK_EMAIL": "ops@acme.test",
    "ZENDESK_API_TOKEN": "t",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PM, Role.CSM, Role.SALES, Role.CPO])
def test_only_product_ops_reaches_the_integrations_page(client_for, role):
    client = client_for(role)
    assert client.get("/integrations/").status_code == 403
    assert client.post("/integrations/sync/zendesk/").status_code == 403


@pytest.mark.django_db
@override_settings(**ZENDESK_ON)
def test_the_page_shows_failures_rejects_and_customer_text_escaped(
    client_for, zendesk, zendesk_connector, accounts, sleep, policy, django_assert_max_num_queries
):
    zendesk.add_ticket(subject="<script>alert(1)</script>", created_at="<img src=x onerror=alert(1)>")
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    zendesk.fail_next("/api/v2/incremental", 401, {"error": "Couldn't authenticate you"})
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy, full=True)
    client = client_for(Role.PRODUCT_OPS)
    with django_assert_max_num_queries(15):
        html = client.get("/integrations/").content.decode()
    assert "Couldn&#x27;t authenticate you" in html and "Retry 1 rejected" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.django_db
@override_settings(**ZENDESK_ON)
def test_retry_these_stores_rejects_that_map_now(
    client_for, zendesk, zendesk_connector, accounts, sleep, policy, monkeypatch
):
    zendesk.add_ticket(subject="Late", created_at="soon")
    engine.run_sync(zendesk_connector(), sleep=sleep, policy=policy)
    rejected = RejectedRecord.objects.get()
    rejected.raw = {
        **rejected.raw,
        "created_at": "2026-02-03T10:00:00Z",
    }  # e.g. the mapping learned the format
    rejected.save()
    response = client_for(Role.PRODUCT_OPS).post(f"/integrations/connections/{rejected.connection_id}/retry/")
    assert response.status_code == 302
    assert FeedbackItem.objects.filter(source="zendesk", external_id="1").exists()
    assert RejectedRecord.objects.get().resolved_at is not None


@pytest.mark.django_db(transaction=True)
@override_settings(**ZENDESK_ON)
def test_sync_now_runs_through_a_real_celery_worker_on_redis(client_for, zendesk, accounts, monkeypatch):
    """The button enqueues on Redis; a real worker thread picks the task up and runs the engine against the fake."""
    import requests

    from integrations.zendesk import connector as zendesk_module

    real_session = requests.Session

    def session_without_env():
        session = real_session()
        session.trust_env = False
        return session

    monkeypatch.setattr(zendesk_module.requests, "Session", session_without_env)
    zendesk.add_ticket(subject="Reports", description="Need scheduled reports", organization_id=None)
    zendesk.add_ticket(subject="SSO", description="Need SAML", organization_id=None)
    assert celery_app.conf.broker_url.startswith(("redis://", "redis+socket://"))
    celery_app.control.purge()  # messages left on the test broker by earlier runs must not queue ahead of ours
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client_for(Role.PRODUCT_OPS).post("/integrations/sync/zendesk/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        run = _wait_for_run()
    assert run.status == RunStatus.SUCCEEDED and run.trigger == "manual" and run.created == 2
    assert FeedbackItem.objects.filter(source="zendesk").count() == 2


def _wait_for_run() -> SyncRun:
    """Poll the database for the worker's result; bounded, and each poll is a real round trip, not a fixed sleep."""
    import threading

    done = threading.Event()
    for _ in range(300):
        run = SyncRun.objects.filter(connection__vendor="zendesk").exclude(status=RunStatus.RUNNING).first()
        if run is not None:
            return run
        done.wait(0.1)
    raise AssertionError("the worker did not finish the sync within 30 s")
