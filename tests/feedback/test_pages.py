"""Page access by role and bounded query counts (no N+1) on every feedback page."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackTheme, TagOrigin, UsageMetric
from productops.roles import Role
from tests.feedback.conftest import at, make_item

PAGES = ["/feedback/", "/feedback/themes/", "THEME", "ACCOUNT", "/feedback/export.csv"]


def resolve(path, store):
    return path.replace("THEME", f"/feedback/themes/{store.themes['reporting'].pk}/").replace(
        "ACCOUNT", f"/feedback/accounts/{store.accounts['acme'].pk}/"
    )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", PAGES)
def test_pages_open_to_feedback_roles_only(store, client_for, role, path):
    allowed = role in {Role.PM, Role.PRODUCT_OPS, Role.CPO, Role.CSM}
    assert client_for(role).get(resolve(path, store)).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login(client, store, path):
    response = client.get(resolve(path, store))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _more_items(store, n: int) -> None:
    acme, umbrella = store.accounts["acme"], store.accounts["umbrella"]
    for i in range(n):
        item = make_item(
            f"m{i}", acme if i % 2 else umbrella, "zendesk", at(5, 1 + i % 28), f"Report {i}", "report"
        )
        FeedbackTheme.objects.create(item=item, theme=store.themes["reporting"], origin=TagOrigin.RULE)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/feedback/", 16),
        ("/feedback/?segment=churn_risk&segment=arr_enterprise&q=report&days=90&sort=relevance", 14),
        ("/feedback/?segment=churn_risk&source=nps&days=90&page=2", 14),
        ("/feedback/themes/", 12),
        ("THEME", 22),
        ("ACCOUNT", 14),
    ],
)
def test_query_counts_do_not_grow_with_the_data(
    store, client_for, django_assert_max_num_queries, path, limit
):
    client = client_for(Role.PM)
    url = resolve(path, store)
    client.get(url)  # warm per-user caches (session, roles) so both runs count the same things
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
    _more_items(store, 40)
    for day in range(5):
        UsageMetric.objects.create(
            account=store.accounts["acme"], metric="active_users", date=at(5, day + 1).date(), value=day
        )
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_account_360_shows_everything_and_duplicate_hints(store, client_for):
    acme = store.accounts["acme"]
    for i in range(3):
        make_item(
            f"d{i}",
            acme,
            "zendesk",
            at(6, 10 + i),
            "Export button broken",
            "The export button on the reports page is broken again.",
        )
    html = client_for(Role.CSM).get(f"/feedback/accounts/{acme.pk}/").content.decode()
    assert "Acme renewal" in html and "Reporting" in html
    assert "one of 3 similar" in html
    for title in ("Reports are slow", "NPS 3", "QBR call"):
        assert title in html
    filtered = client_for(Role.PM).get(f"/feedback/accounts/{acme.pk}/?source=gong", HTTP_HX_REQUEST="true")
    body = filtered.content.decode()
    assert "QBR call" in body and "Reports are slow" not in body and "<html" not in body


def test_theme_page_polls_retag_progress_and_only_curators_edit(store, client_for):
    reporting = store.themes["reporting"]
    reporting.retag_total, reporting.retag_done = 9, 4
    reporting.retag_started_at = at(6, 29)
    reporting.save()
    pm = client_for(Role.PM)
    partial = pm.get(f"/feedback/themes/{reporting.pk}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="retag")
    body = partial.content.decode()
    assert "<html" not in body and 'value="4"' in body and 'hx-trigger="every 2s"' in body
    cpo = client_for(Role.CPO)
    assert "Edit theme and rules" not in cpo.get(f"/feedback/themes/{reporting.pk}/").content.decode()
    edit = {"name": "Hacked", "keywords": "", "status": "active"}
    assert cpo.post(f"/feedback/themes/{reporting.pk}/", edit).status_code == 403
    assert cpo.post("/feedback/themes/", edit).status_code == 403
    assert (
        pm.post(f"/feedback/themes/{reporting.pk}/", {**edit, "name": "SSO"}).status_code == 400
    )  # name taken
