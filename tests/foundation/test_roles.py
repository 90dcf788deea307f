from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from productops.navigation import PILLARS
from productops.roles import ROLE_HOME, Role

pytestmark = pytest.mark.django_db


def test_a_migration_creates_one_group_per_role_with_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
    product_ops = set(Group.objects.get(name="Product Ops").permissions.values_list("codename", flat=True))
    cpo = set(Group.objects.get(name="CPO").permissions.values_list("codename", flat=True))
    sales = set(Group.objects.get(name="Sales").permissions.values_list("codename", flat=True))
    assert {"change_feedbackitem", "delete_theme", "view_account"} <= product_ops
    assert "view_feedbackitem" in cpo and not any(c.startswith(("add_", "change_", "delete_")) for c in cpo)
    assert "add_feedbackitem" in sales and "view_account" not in sales


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("pillar", PILLARS, ids=lambda p: p.key)
def test_each_pillar_page_is_open_to_its_roles_and_closed_to_the_rest(client_for, role, pillar):
    response = client_for(role).get(pillar.path)
    assert response.status_code == (200 if role in pillar.roles else 403)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_page_after_login(client_for, role):
    response = client_for(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == ROLE_HOME[role]


def test_a_user_without_a_role_sees_no_pillar(make_user):
    client = Client()
    client.force_login(make_user("nobody"))
    assert client.get("/").url == "/accounts/no-role/"
    assert client.get("/feedback/").status_code == 403


@pytest.mark.parametrize("path", [p.path for p in PILLARS] + ["/", "/accounts/password_change/"])
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_api_call_gets_401_and_no_data(client):
    response = client.get("/api/v1/accounts/")
    assert response.status_code == 401
    assert "results" not in response.json()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PM, 200), (Role.PRODUCT_OPS, 200), (Role.CPO, 200), (Role.CSM, 200), (Role.SALES, 403)],
)
def test_api_accounts_respects_roles(client_for, role, status):
    assert client_for(role).get("/api/v1/accounts/").status_code == status


def test_api_refuses_basic_auth_even_with_the_right_password(make_user):
    # Basic auth skips CSRF and makes browsers cache credentials: scripts use tokens (tests/hardening/test_auth.py).
    make_user("api-pm", Role.PM, password="s3cret-pass")
    good = base64.b64encode(b"api-pm:s3cret-pass").decode()
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Basic {good}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_login_page_logs_a_demo_style_user_in_and_shows_the_layout(make_user):
    make_user("casey", Role.CSM, password="a-good-password")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "casey", "password": "a-good-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/readiness/"
    html = response.content.decode()
    assert "casey" in html and ">CSM<" in html
    assert 'href="/integrations/"' not in html  # navigation shows only what the role may open
    assert "X-CSRFToken" in html  # htmx sends the CSRF token on every request


def test_wrong_password_shows_an_error_on_the_login_page(make_user):
    make_user("casey", Role.CSM, password="a-good-password")
    response = Client().post("/accounts/login/", {"username": "casey", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_requires_post_and_ends_the_session(client_for):
    client = client_for(Role.PM)
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log anyone out
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/feedback/").status_code == 302
