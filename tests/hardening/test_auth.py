"""Defects 2 and 3: login throttling with a lockout people can see; per-user API tokens instead of Basic auth."""

from __future__ import annotations

import base64

import pytest
from django.test import Client, override_settings

from productops.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password"


@override_settings(AXES_FAILURE_LIMIT=5)
@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_clear_message(make_user, login_url):
    user = make_user("casey", Role.CSM, password=PASSWORD)
    user.is_staff = True
    user.save()
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        response = client.post(login_url, {"username": "casey", "password": "wrong"})
        assert response.status_code == 200  # the form, with its error
    response = client.post(login_url, {"username": "casey", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(login_url, {"username": "casey", "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins" in text and "15 minutes" in text
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by the stranger's attempts: the lock is per username and address.
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.post(login_url, {"username": "casey", "password": PASSWORD}).status_code == 302


def test_forwarded_for_is_ignored_unless_behind_a_proxy(make_user, settings):
    make_user("casey", Role.CSM, password=PASSWORD)
    settings.AXES_FAILURE_LIMIT = 2
    for n in range(2):  # a client rotating X-Forwarded-For does not escape the lock when served directly
        Client(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").post(
            "/accounts/login/", {"username": "casey", "password": "wrong"}
        )
    fresh = Client(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert fresh.post("/accounts/login/", {"username": "casey", "password": PASSWORD}).status_code == 429


def test_x_forwarded_proto_is_trusted_only_behind_a_configured_proxy(client_for, settings):
    client = client_for(Role.PM)
    settings.SECURE_PROXY_SSL_HEADER = None  # the default: gunicorn may be exposed directly
    request = client.get("/api/v1/me/", HTTP_X_FORWARDED_PROTO="https").wsgi_request
    assert not request.is_secure()


def test_behind_proxy_setting_turns_the_header_on():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_BEHIND_PROXY"}
    env["DJANGO_SETTINGS_MODULE"] = "productops.settings.test"
    off = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    on = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                        env={**env, "DJANGO_BEHIND_PROXY": "true"}, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert off.strip() == "None" and "HTTP_X_FORWARDED_PROTO" in on


def test_basic_auth_is_refused_and_anonymous_calls_are_asked_for_a_token(make_user):
    make_user("api-pm", Role.PM, password=PASSWORD)
    basic = base64.b64encode(f"api-pm:{PASSWORD}".encode()).decode()
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert Client().get("/api/v1/me/")["WWW-Authenticate"] == "Token"


def test_a_user_creates_uses_replaces_and_revokes_their_own_token(make_user):
    user = make_user("scripter", Role.PM, password=PASSWORD)
    browser = Client()
    browser.force_login(user)
    assert "You hold no API token" in browser.get("/accounts/api-tokens/").content.decode()
    page = browser.post("/accounts/api-tokens/", {"action": "create"}).content.decode()
    key = page.split('<code id="new-token">')[1].split("</code>")[0]
    script = Client()
    assert script.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["username"] == "scripter"
    # A script's token is not a session: no CSRF token needed, and it carries the user's roles only.
    assert script.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    browser.post("/accounts/api-tokens/", {"action": "create"})
    assert script.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401  # replaced
    browser.post("/accounts/api-tokens/", {"action": "revoke"})
    assert "You hold no API token" in browser.get("/accounts/api-tokens/").content.decode()


def test_session_api_writes_still_need_the_csrf_token(make_user):
    user = make_user("pm", Role.PM)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/feedback/themes/", {"name": "Exports"}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
