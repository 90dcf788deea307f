"""Shared fixtures: users per role and logged-in clients. The database is real PostgreSQL (see settings.test)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from productops.roles import Role
from tests.clients import logged_in


@pytest.fixture(autouse=True)
def _fresh_figure_cache():
    """Figures cached under table versions (feedback.cache) by an earlier test, whose rows were rolled back, must not
    be found by a later test that reaches the same versions with other rows: each test starts a new cache epoch."""
    from django.core.cache import caches

    from feedback import cache
    from productops import page_cache

    cache.new_epoch()
    # Rendered pages too (productops/page_cache.py), for the same reason.
    caches[page_cache.CACHE_ALIAS].clear()


@pytest.fixture
def render_every_view(settings):
    """Turn the rendered-page cache off (productops/page_cache.py) for tests that look inside a page's rendering."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    def make(username: str, *roles: Role, password: str = "pw-for-tests", email: str = "") -> object:
        user = get_user_model().objects.create_user(username=username, password=password, email=email)
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        return user

    return make


@pytest.fixture
def client_for(make_user) -> Callable[[Role], Client]:
    """A logged-in test client for a fresh user holding one role."""

    def login_as(role: Role) -> Client:
        return logged_in(make_user(f"user-{role.name.lower()}", role))

    return login_as


# --- Browser tests: Chromium driven by Playwright, one browser per test session ------------------------------------
# Debian's package where it is installed (make test installs it as root), otherwise Playwright's own build.
CHROMIUM = shutil.which("chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that unless told it is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def log_in(username: str, password: str = "demo") -> object:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return log_in
