"""The insight API: the page's numbers as JSON, a 400 naming the parameter on bad input."""

from __future__ import annotations

import pytest
import time_machine

from productops.roles import Role
from reports.models import SavedInsightReport
from tests.reports.insight_store import NOW, build


@pytest.fixture
def store(db):
    with time_machine.travel(NOW, tick=False):
        yield build()


def test_the_api_returns_the_same_numbers_as_the_page(store, client_for):
    pm = client_for(Role.PM)
    query = f"themes={store.ids('reporting', 'sso', 'export')}"
    body = pm.get(f"/api/v1/reports/insight/?{query}").json()
    page = pm.get(f"/reports/insight/?{query}").context["report"]
    assert [(t["name"], t["score"]) for t in body["themes"]] == [
        (row["name"], f"{row['score']:f}") for row in page["rows"]
    ]
    reporting = body["themes"][0]
    assert reporting["pipeline"]["amount"] == "70000.00" and reporting["pipeline"]["count"] == 2
    assert reporting["installed"] == {"arr": "140000.00", "accounts": 2, "unknown": 0}
    assert reporting["at_risk"] == {"arr": "100000.00", "accounts": 1, "unknown": 0}
    assert [term["points"] for term in reporting["terms"]] == ["3.00", "2.00", "3.00", "1.00", "1.00", "1.00"]
    assert body["window"] == {"start": "2026-01-02", "end": "2026-06-30", "bucket": "month"}
    assert body["weights"]["pipeline"] == "3"


def test_a_theme_with_no_deals_and_no_feedback_is_reported_with_notes(store, client_for):
    body = client_for(Role.PM).get(f"/api/v1/reports/insight/?themes={store.ids('quiet', 'export')}").json()
    quiet = next(t for t in body["themes"] if t["name"] == "Quiet")
    assert quiet["notes"] == [
        "No open deal names it as a blocker.",
        "No feedback tagged with it in the window.",
    ]
    assert quiet["score"] == "0.00" and quiet["pipeline"]["count"] == 0


def test_weights_in_the_api_change_the_ranking(store, client_for):
    pm = client_for(Role.PM)
    body = pm.get(f"/api/v1/reports/insight/?themes={store.ids('reporting', 'sso')}&w_detractors=10").json()
    assert [(t["name"], t["score"]) for t in body["themes"]] == [("SSO", "17.86"), ("Reporting", "15.00")]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "themes"),
        ("themes=reporting", "themes"),
        ("themes=reporting,nope", "themes"),
        ("themes=reporting,sso&w_calls=-1", "w_calls"),
        ("themes=reporting,sso&w_tickets=many", "w_tickets"),
        ("themes=reporting,sso&w_tickets=1e999", "w_tickets"),
        ("themes=reporting,sso&days=1000", "days"),
        (
            "themes=reporting,sso&w_pipeline=0&w_installed=0&w_at_risk=0&w_calls=0&w_tickets=0&w_detractors=0",
            "weights",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(store, client_for, query, field):
    response = client_for(Role.PM).get(f"/api/v1/reports/insight/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_saved_report_api(store, client_for):
    pm = client_for(Role.PM)
    pm.post("/reports/insight/save/", {"themes": store.ids("reporting", "sso")})
    saved = SavedInsightReport.objects.get()
    body = pm.get(f"/api/v1/reports/insight/saved/{saved.pk}/").json()
    assert body["id"] == saved.pk and body["themes"][0]["name"] == "Reporting"
    assert pm.get(f"/api/v1/reports/insight/saved/{saved.pk}/?w_calls=x").status_code == 400
    assert pm.get("/api/v1/reports/insight/saved/999999/").status_code == 404


def test_api_roles(store, client_for):
    url = f"/api/v1/reports/insight/?themes={store.ids('reporting', 'sso')}"
    assert client_for(Role.SALES).get(url).status_code == 403
    assert client_for(Role.CPO).get(url).status_code == 200
