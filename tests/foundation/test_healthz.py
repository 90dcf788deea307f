from __future__ import annotations

import pytest
from django.db import connections
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_up_without_login(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok", "engine": "postgresql"}
    assert body["broker"]["status"] == "ok"
    assert body["broker"]["mode"] == "redis"  # make test runs with REDIS_URL: a real broker was pinged


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "down"
    assert "Error" in response.json()["broker"]["error"]


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    default = connections["default"]
    default.close()
    monkeypatch.setitem(default.settings_dict, "PORT", "1")  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        default.close()
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["status"] == "down"
    assert "OperationalError" in body["database"]["error"]
