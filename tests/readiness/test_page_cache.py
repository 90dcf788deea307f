"""Rendered pages kept per user under every table's version (productops/page_cache.py): exact after each write, each
response with its own CSRF token, nothing shared between users, messages shown once."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.autoreload import file_changed

from productops import page_cache
from readiness import services
from readiness.models import ChecklistItem
from tests.clients import logged_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_tokens(html: str) -> str:
    html = TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)


def test_every_table_of_the_portal_counts_its_writes():
    """A page is kept under the write counts of every table it might read: a table without a count would let a
    kept page outlive a write to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [page_cache.TRIGGER_NAME]
        )
        counted = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT tgisinternal AND p.prosrc LIKE '%%feedback_factchange%%'"
        )
        counted |= {row[0] for row in cursor.fetchall()}
    for label in page_cache.VERSIONED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            assert table in counted or table in page_cache.DERIVED_TABLES, f"{table} has no write count"


def test_derived_tables_carry_no_write_count_of_their_own():
    """A derived table (the fact triggers' own) is written only as part of a counted write: a count of its own
    would be a second, useless write in the same statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [page_cache.TRIGGER_NAME]
        )
        counted = {row[0] for row in cursor.fetchall()}
    assert not counted & page_cache.DERIVED_TABLES


def test_a_page_seen_again_is_kept_and_each_session_gets_its_own_token(
    open_release, people, django_assert_max_num_queries
):
    path = f"/readiness/releases/{open_release.pk}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(people["csm"])
    second.force_login(people["csm"])
    rendered = first.get(path).content.decode()
    with django_assert_max_num_queries(4):  # session, user, roles, versions
        kept = second.get(path).content.decode()
    assert _without_tokens(kept) == _without_tokens(rendered)
    assert page_cache.CSRF_PLACEHOLDER not in kept and page_cache.CSRF_PLACEHOLDER not in rendered
    token = TOKEN.search(kept).group(1)
    assert token != TOKEN.search(rendered).group(1)
    item = open_release.checklist.filter(needs_evidence=False, owner=people["csm"]).first()
    response = second.post(f"/readiness/items/{item.pk}/tick/", {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert ChecklistItem.objects.get(pk=item.pk).done_by == people["csm"]


def test_a_write_shows_on_the_next_view(open_release, people):
    client = logged_in(people["csm"])
    path = f"/readiness/releases/{open_release.pk}/"
    item = open_release.checklist.filter(needs_evidence=False, owner=people["csm"]).first()
    before = client.get(path).content.decode()
    client.post(f"/readiness/items/{item.pk}/tick/")
    after = client.get(path).content.decode()
    assert _without_tokens(after) != _without_tokens(before)
    assert _without_tokens(after) == _without_tokens(_rendered_fresh(people["csm"], path))

    kit = f"/readiness/releases/{open_release.pk}/kit/"
    client.get(kit)
    services.faq_add(release=open_release, question="Does it export PDF?", answer="Yes.", actor=people["pm"])
    assert "Does it export PDF?" in client.get(kit).content.decode()


def _rendered_fresh(user, path: str) -> str:
    with override_settings(PAGE_CACHE_SECONDS=0):
        return logged_in(user).get(path).content.decode()


def test_users_never_see_each_others_kept_page(open_release, make_release, people):
    services.checklist_open(release=make_release("Unrelated", launch=date(2026, 4, 10)))
    mine = logged_in(people["csm"]).get("/readiness/").content.decode()
    theirs = logged_in(people["csm2"]).get("/readiness/").content.decode()
    assert "Reporting 2.0" in mine and "Reporting 2.0" not in theirs
    assert "csm1" in mine and "csm1" not in theirs


def test_a_message_is_shown_once(open_release, people):
    """A message waiting for the page is rendered into it even when the page is kept (no write happened)."""
    client = logged_in(people["pm"])
    path = f"/readiness/releases/{open_release.pk}/"
    client.get(path)
    response = client.post(f"/readiness/releases/{open_release.pk}/accounts/", {"action": "add"}, follow=True)
    assert "Enter an account name." in response.content.decode() or "required" in response.content.decode()
    assert 'class="messages"' in response.content.decode()
    assert 'class="messages"' not in client.get(path).content.decode()


@pytest.mark.parametrize(
    "user, path",
    [("csm", "/readiness/"), ("csm", "release"), ("csm", "kit"), ("sales", "/digest/"), ("sales", "/roadmap/"),
     ("cpo", "/reports/"), ("cpo", "/reports/trends/"), ("cpo", "/reports/volume/"), ("pm", "/feedback/"),
     ("pm", "/feedback/?segment=churn_risk&days=90")],
)  # fmt: skip
def test_a_kept_page_is_the_page_rendered_anew(open_release, people, user, path):
    path = {"release": f"/readiness/releases/{open_release.pk}/", "kit": f"/readiness/releases/{open_release.pk}/kit/"}.get(path, path)  # fmt: skip
    client = logged_in(people[user])
    first = client.get(path)
    assert first.status_code == 200
    kept = client.get(path).content.decode()
    assert _without_tokens(kept) == _without_tokens(first.content.decode())
    assert _without_tokens(kept) == _without_tokens(_rendered_fresh(people[user], path))


def test_a_template_edited_under_runserver_drops_the_kept_pages(open_release, people):
    client = logged_in(people["csm"])
    path = f"/readiness/releases/{open_release.pk}/"
    client.get(path)
    with CaptureQueriesContext(connection) as kept:
        client.get(path)
    file_changed.send(sender=None, file_path=Path(settings.BASE_DIR) / "templates" / "base.html")
    with CaptureQueriesContext(connection) as rendered:
        client.get(path)
    assert len(kept.captured_queries) == 4 < len(rendered.captured_queries)
