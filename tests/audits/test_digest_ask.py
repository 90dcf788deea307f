"""Ask the PM on each digest entry about a release: a link that reads no data, and the question lands."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client

from audits.models import InboundQuestion
from digest import services as digest_services
from readiness import services as readiness_services
from readiness.models import Release

TODAY = date(2026, 3, 2)


def _release(name: str, days: int, pm) -> Release:
    release = Release.objects.create(name=name, launch_date=TODAY + timedelta(days=days), pm_owner=pm)
    readiness_services.checklist_open(release=release)
    return release


def _publish(ops) -> None:
    digest_services.digest_publish(digest=digest_services.digest_draft(today=TODAY), actor=ops, notify=False)


def test_each_release_entry_links_to_ask_its_pm(people, django_assert_max_num_queries):
    first = _release("Reporting 2.0", 10, people["pm"])
    _publish(people["ops"])
    sales = Client()
    sales.force_login(people["sales"])
    with django_assert_max_num_queries(40) as small:
        html = sales.get("/digest/").content.decode()
    assert html.count(">Ask the PM</a>") == 1 and f'href="/audits/ask/{first.pk}/"' in html
    for n in range(6):
        _release(f"More {n}", 12 + n, people["pm2"])
    _publish(people["ops"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = sales.get("/digest/").content.decode()
    # Every entry about a release has the link (the "changed since last week" lines too).
    releases = Release.objects.values_list("pk", flat=True)
    assert all(f'href="/audits/ask/{pk}/"' in html for pk in releases)

    page = sales.get(f"/audits/ask/{first.pk}/")
    assert page.status_code == 200 and "Ask the PM about Reporting 2.0" in page.content.decode()
    empty = sales.post(f"/audits/ask/{first.pk}/", {"text": ""})
    assert empty.status_code == 400 and "Write the question." in empty.content.decode()
    response = sales.post(f"/audits/ask/{first.pk}/", {"text": "When will it reach the EU region?"})
    assert response.status_code == 302 and response.url == "/audits/inbox/"
    assert InboundQuestion.objects.get().asked_of == people["pm"]


def test_roles_that_do_not_ask_see_no_link(people, client_for):
    from productops.roles import Role

    _release("Reporting 2.0", 10, people["pm"])
    _publish(people["ops"])
    assert ">Ask the PM</a>" not in client_for(Role.CPO).get("/digest/").content.decode()
