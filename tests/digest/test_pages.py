from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from digest import services
from feedback.models import Account
from readiness import services as readiness_services
from readiness.models import Release
from tests.digest.conftest import TODAY, VERBATIM, client_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, people):
    digest = services.digest_draft(today=TODAY)
    return services.digest_publish(digest=digest, actor=people["ops"], notify=False)


@pytest.mark.parametrize("role", ["pm", "ops", "csm", "sales", "cpo"])
def test_every_role_reads_the_latest_digest(published, people, role):
    response = client_for_user(people[role]).get("/digest/")
    assert response.status_code == 200 and "Reporting 2.0" in response.content.decode()


def test_anonymous_goes_to_login(published, client):
    assert client.get("/digest/")["Location"].startswith("/accounts/login/")
    assert client.get("/roadmap/")["Location"].startswith("/accounts/login/")


def test_sales_sees_themes_counts_and_arr_but_never_verbatims(published, people):
    sales = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert VERBATIM not in sales
    assert "Reporting" in sales and "$190k" in sales and "3</strong> accounts asked" in sales
    pm = client_for_user(people["pm"]).get("/digest/").content.decode()
    assert VERBATIM in pm


def test_the_readers_own_accounts_are_highlighted(published, people):
    sales = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert "Your accounts</span> <strong>Globex</strong>" in sales
    csm = client_for_user(people["csm"]).get("/digest/").content.decode()
    assert "Your accounts</span> <strong>Acme</strong>" in csm
    cpo = client_for_user(people["cpo"]).get("/digest/").content.decode()
    assert "None of your accounts asked for this." in cpo


def test_periods_404_when_unknown_invalid_or_unpublished(published, people):
    sales = client_for_user(people["sales"])
    assert sales.get("/digest/2026-10/").status_code == 200
    assert sales.get("/digest/2026-60/").status_code == 404
    assert sales.get("/digest/2026-00/").status_code == 404
    assert sales.get("/digest/2025-11/").status_code == 404
    assert sales.get("/digest/20x6-10/").status_code == 404
    services.digest_draft(today=TODAY)  # next week's draft
    assert sales.get("/digest/2026-11/").status_code == 404
    assert client_for_user(people["ops"]).get("/digest/2026-11/")["Location"] == "/digest/2026-11/edit/"


def test_empty_state_before_anything_is_published(people):
    html = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert "No digest has been published yet." in html


def test_archive_search(published, people):
    sales = client_for_user(people["sales"])
    assert "Week 10, 2026" in sales.get("/digest/archive/?q=reporting").content.decode()
    assert "No published digest mentions" in sales.get("/digest/archive/?q=kubernetes").content.decode()
    assert VERBATIM.split()[3] not in services._search_text(published, list(published.entries.all()))
    assert sales.get("/digest/archive/?q=" + "x" * 300).status_code == 400


def test_digest_page_queries_do_not_grow_with_releases(world, people, django_assert_max_num_queries):
    services.digest_publish(digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False)
    sales = client_for_user(people["sales"])
    with django_assert_max_num_queries(12) as small:
        sales.get("/digest/")
    for n in range(8):
        release = Release.objects.create(
            name=f"More {n}", launch_date=TODAY + timedelta(days=10 + n), pm_owner=people["pm"]
        )
        release.themes.add(world["theme"])
        readiness_services.release_refresh_affected_accounts(release=release)
        readiness_services.checklist_open(release=release)
    services.digest_publish(digest=services.digest_draft(today=TODAY), actor=people["ops"], notify=False)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = sales.get("/digest/").content.decode()
    assert "More 7" in html


def test_roadmap_shows_now_next_later_by_area(world, people):
    readiness_services.release_set_launch_date(
        release=world["far"], launch_date=date(2027, 1, 15), actor=people["pm"]
    )
    Release.objects.create(name="Soon-ish", launch_date=date(2026, 5, 20), pm_owner=people["pm"])
    html = client_for_user(people["sales"]).get("/roadmap/").content.decode()
    now, nxt = (html.index(f'col-{c}" aria-label="Reporting') for c in ("now", "next"))
    assert now < html.index("Reporting 2.0") < nxt
    assert html.index("Far away") > html.index('col-later" aria-label="Mobile')
    assert html.index("Soon-ish") > html.index('col-next" aria-label="No product area')
    assert "Exports" not in html  # launched releases are not on the roadmap


def test_roadmap_filters_by_area_and_my_accounts(world, people):
    sales = client_for_user(people["sales"])
    by_area = sales.get("/roadmap/?area=mobile").content.decode()
    assert "Far away" in by_area and "Reporting 2.0" not in by_area
    mine = sales.get("/roadmap/?mine=on").content.decode()
    assert "Reporting 2.0" in mine and "Far away" not in mine and "1 of your accounts" in mine
    bad = sales.get("/roadmap/?area=nope")
    assert bad.status_code == 400 and "field-error" in bad.content.decode()


def test_roadmap_queries_do_not_grow_with_releases(world, people, django_assert_max_num_queries):
    client = client_for_user(people["csm"])
    # 15: the CSM's accounts per release are one cached count, read with the table versions (one more query)
    with django_assert_max_num_queries(16) as small:  # 15, and the page cache's versions
        client.get("/roadmap/")
    for n in range(10):
        release = Release.objects.create(
            name=f"Extra {n}",
            launch_date=TODAY + timedelta(days=20 + 30 * n),
            pm_owner=people["pm"],
            product_area=world["soon"].product_area,
        )
        release.themes.add(world["theme"])
        release.affected_accounts.add(
            Account.objects.create(name=f"New {n}", arr=Decimal(1), owner_csm=people["csm"])
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Extra 9" in client.get("/roadmap/").content.decode()


def test_print_stylesheet_is_linked(published, people):
    html = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert "css/digest.css" in html
    from django.contrib.staticfiles import finders

    with open(finders.find("css/digest.css")) as css:
        assert "@media print" in css.read()


def test_each_entry_has_an_actions_area_and_keeps_its_release_id(published, world, people):
    html = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert f'data-release-id="{world["soon"].pk}"' in html and 'class="entry-actions"' in html
