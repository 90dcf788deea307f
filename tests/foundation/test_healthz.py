from __future__ import annotations

import pytest
from django.db import connections
from django.test import override_settings

from productops.roles import Role


@pytest.mark.django_db
def test_healthz_says_ok_to_anyone_and_nothing_more(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PM, Role.SALES, Role.CPO])
def test_healthz_hides_server_details_from_other_roles(client_for, role):
    assert client_for(role).get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_shows_engines_and_servers_to_product_ops(client_for, settings):
    body = client_for(Role.PRODUCT_OPS).get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok" and body["database"]["engine"] == "postgresql"
    assert body["broker"] == {"status": "ok", "engine": "redis", "server": body["broker"]["server"]}
    assert body["broker"]["server"]  # a real Redis was pinged: tests run with one
    assert "@" not in body["database"]["server"]  # no credentials


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_broker_is_unreachable(client, client_for):
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").json() == {"status": "down"}
    body = client_for(Role.PRODUCT_OPS).get("/healthz").json()
    assert body["broker"]["status"] == "down"
    assert "Error" in body["broker"]["error"]


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    default = connections["default"]
    default.close()
    monkeypatch.setitem(default.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(default.settings_dict, "PORT", "1")  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        default.close()
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
