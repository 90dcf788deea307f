"""The cross-functional review: packs, the decision log round trip (page, API, theme page, next pack)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from productops.roles import Role
from reports import review_services
from reports.models import Decision, DecisionOutcome, Review
from tests.reports.insight_store import NOW, build


@pytest.fixture
def store(db):
    with time_machine.travel(NOW, tick=False):
        yield build()


@pytest.fixture
def pm(client_for) -> Client:
    return client_for(Role.PM)


def test_a_pack_covers_since_the_last_review(store, pm, settings):
    response = pm.post("/reports/review/", {})
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/review/{review.pk}/"
    assert review.period_end - review.period_start == timedelta(days=settings.REVIEW_FIRST_PERIOD_DAYS)
    customers = next(s for s in review.pack["segments"] if s["key"] == "customer")
    # Since 05-31 the paying customers spoke about SSO (acme NPS 06-01, beta NPS 06-02).
    names = {t["id"] for t in customers["themes"]}
    assert store.themes["sso"].pk in names
    sso = review.pack["figures"][str(store.themes["sso"].pk)]
    assert sso["pipeline"]["amount"] == "55000.00" and sso["installed"]["accounts"] == 2
    assert len(review.pack["verbatims"][str(store.themes["sso"].pk)]) == 2
    page = pm.get(f"/reports/review/{review.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Customer words number" in html  # verbatims, escaped like every customer text
    assert "$55k" in html

    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        pm.post("/reports/review/", {"title": "Second"})
    second = Review.objects.get(title="Second")
    assert second.period_start == review.period_end


def test_decision_round_trip_page_theme_page_and_next_pack(store, pm):
    pm.post("/reports/review/", {"title": "First"})
    first = Review.objects.get()
    sso, reporting = store.themes["sso"], store.themes["reporting"]
    owner = pm.get("/reports/review/").wsgi_request.user
    response = pm.post(
        f"/reports/review/{first.pk}/decide/",
        {
            "theme": sso.pk,
            "outcome": "needs_research",
            "owner": owner.pk,
            "note": "Talk to <b>3</b> customers",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.theme, decision.outcome, decision.owner, decision.review) == (
        sso,
        DecisionOutcome.NEEDS_RESEARCH,
        owner,
        first,
    )
    # On the theme page, escaped.
    theme_page = pm.get(f"/feedback/themes/{sso.pk}/").content.decode()
    assert "Needs research" in theme_page and "Talk to &lt;b&gt;3&lt;/b&gt; customers" in theme_page
    # In the next pack: open decisions and what the last review decided.
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        pm.post("/reports/review/", {"title": "Second"})
    second = Review.objects.get(title="Second")
    page = pm.get(f"/reports/review/{second.pk}/")
    assert [d.pk for d in page.context["open_decisions"]] == [decision.pk]
    assert [d.pk for d in page.context["previous_decisions"]] == [decision.pk]
    # A later decision supersedes: accepted, no longer open.
    pm.post(f"/reports/review/{second.pk}/decide/", {"theme": sso.pk, "outcome": "accept"})
    assert pm.get(f"/reports/review/{second.pk}/").context["open_decisions"] == []
    # And the insight report shows the decision in force.
    report = pm.get(f"/reports/insight/?themes={store.ids('sso', 'reporting')}")
    assert report.context["decisions"][sso.pk].outcome == DecisionOutcome.ACCEPT
    assert reporting.pk not in report.context["decisions"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome": "accept"}, "theme", "This field is required."),
        ({"outcome": "maybe"}, "outcome", "Select a valid choice."),
        ({"outcome": "merge"}, "merge_into", "names the theme to merge into"),
        ({"outcome": "merge", "merge_into": "self"}, "merge_into", "cannot be merged into itself"),
    ],
)
def test_bad_decisions_are_errors_next_to_the_field(store, pm, data, field, message):
    pm.post("/reports/review/", {})
    review = Review.objects.get()
    sso = store.themes["sso"]
    post = {"theme": sso.pk, **data}
    if post.get("merge_into") == "self":
        post["merge_into"] = sso.pk
    if field == "theme":
        post.pop("theme")
    response = pm.post(f"/reports/review/{review.pk}/decide/", post)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not Decision.objects.exists()


def test_decisions_api_create_and_list(store, client_for, make_user):
    pm = client_for(Role.PM)
    owner = make_user("owner-pm", Role.PM)
    sso, reporting = store.themes["sso"], store.themes["reporting"]
    created = pm.post(
        "/api/v1/reports/decisions/",
        {
            "theme": sso.pk,
            "outcome": "merge",
            "merge_into": reporting.pk,
            "owner": "owner-pm",
            "note": "same ask",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["theme"], body["outcome"], body["merge_into"], body["owner"]) == (
        sso.pk,
        "merge",
        reporting.pk,
        "owner-pm",
    )
    pm.post(
        "/api/v1/reports/decisions/",
        {"theme": reporting.pk, "outcome": "accept"},
        content_type="application/json",
    )
    listed = pm.get(f"/api/v1/reports/decisions/?theme={sso.pk}").json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    assert pm.get("/api/v1/reports/decisions/").json()["count"] == 2
    assert owner.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "accept"}, "theme"),
        ({"theme": 999999, "outcome": "accept"}, "theme"),
        ({"theme": "SSO", "outcome": "accept"}, "theme"),
        ({"theme": "$sso", "outcome": "nope"}, "outcome"),
        ({"theme": "$sso", "outcome": "merge"}, "merge_into"),
        ({"theme": "$sso", "outcome": "merge", "merge_into": "$sso"}, "merge_into"),
        ({"theme": "$sso", "outcome": "accept", "owner": "nobody"}, "owner"),
        ({"theme": "$sso", "outcome": "accept", "review": 123456}, "review"),
    ],
)
def test_decisions_api_bad_input_names_the_field(store, client_for, payload, field):
    pm = client_for(Role.PM)
    payload = {key: store.themes["sso"].pk if value == "$sso" else value for key, value in payload.items()}
    response = pm.post("/api/v1/reports/decisions/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Decision.objects.exists()
    assert pm.get("/api/v1/reports/decisions/?theme=abc").status_code == 400


def test_decision_service_refuses_a_merged_theme(store):
    quiet = store.themes["quiet"]
    quiet.merged_into = store.themes["reporting"]
    quiet.save()
    with pytest.raises(review_services.DecisionError) as exc:
        review_services.decision_record(theme=quiet, outcome="accept", user=None)
    assert exc.value.field == "theme"


def test_review_roles_and_query_counts(store, client_for, pm, django_assert_max_num_queries):
    assert client_for(Role.SALES).get("/reports/review/").status_code == 403
    pm.post("/reports/review/", {})
    review = Review.objects.get()
    for theme in store.themes.values():
        review_services.decision_record(theme=theme, outcome="needs_research", user=None, review=review)
    with django_assert_max_num_queries(25) as few:
        pm.get(f"/reports/review/{review.pk}/")
    for theme in store.themes.values():
        review_services.decision_record(
            theme=theme, outcome="needs_research", user=None, review=review, note="again"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        pm.get(f"/reports/review/{review.pk}/")
