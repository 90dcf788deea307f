"""Pages by role, query counts that do not grow with rows, and the API (400s name the field)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits import inbound_services, services
from audits.models import InboundQuestion, InboundSource, Response
from productops.roles import Role
from tests.audits.conftest import split_answer
from tests.clients import logged_in


def _api(user) -> Client:
    # Scripts call the API with their own token (Basic auth is off: README, "Hardening").
    from rest_framework.authtoken.models import Token

    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.PRODUCT_OPS, "/audits/rounds/new/", 200),
        (Role.PM, "/audits/rounds/new/", 403),
        (Role.SALES, "/audits/inbound/", 403),
        (Role.CPO, "/audits/inbound/", 200),
        (Role.PM, "/audits/inbound/rules/", 403),
        (Role.CSM, "/audits/", 403),
        (Role.CSM, "/audits/inbox/", 200),
        (Role.CPO, "/audits/templates/", 403),
    ],
)
def test_pages_by_role(client_for, role, path, status):
    inbound_services.rules_ensure_defaults()
    services.templates_ensure_defaults()
    assert client_for(role).get(path).status_code == status


def test_anonymous_goes_to_login(db):
    response = Client().get("/audits/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_productops_runs_a_round_through_the_pages(people, pm_template):
    ops = logged_in(people["ops"])
    response = ops.post("/audits/rounds/new/", {"template": pm_template.pk, "name": "Q1 audit"})
    assert response.status_code == 302
    round_id = int(response.url.strip("/").split("/")[-1])
    assert ops.post(f"/audits/rounds/{round_id}/", {"username": "nobody"}).status_code == 400
    assert ops.post(f"/audits/rounds/{round_id}/open/").status_code == 302

    pm = logged_in(people["pm"])
    page = pm.get(f"/audits/rounds/{round_id}/answer/")
    assert page.status_code == 200 and "In a typical week, how is your time split?" in page.content.decode()
    from audits.models import Round

    round_ = Round.objects.get(pk=round_id)
    questions = list(round_.questions.order_by("position", "id"))
    post = {f"q{questions[0].pk}_0": "30", f"q{questions[0].pk}_1": "50", f"q{questions[1].pk}": "4",
            f"q{questions[2].pk}": "2", f"q{questions[3].pk}": "3", f"q{questions[4].pk}": "<script>x</script>"}  # fmt: skip
    bad = pm.post(f"/audits/rounds/{round_id}/answer/", post)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The percentages must add up to 100; they add up to 80." in html
    assert 'value="50"' in html and "&lt;script&gt;x&lt;/script&gt;" in html  # nothing lost, escaped
    post[f"q{questions[0].pk}_2"] = "20"
    assert pm.post(f"/audits/rounds/{round_id}/answer/", post).status_code == 302
    post[f"q{questions[0].pk}_0"], post[f"q{questions[0].pk}_1"] = "40", "40"  # change it while open
    assert pm.post(f"/audits/rounds/{round_id}/answer/", post).status_code == 302
    assert Response.objects.filter(round=round_).count() == 1

    assert ops.post(f"/audits/rounds/{round_id}/close/").status_code == 302
    closed = pm.post(f"/audits/rounds/{round_id}/answer/", post)
    assert closed.status_code == 400 and "This round is closed" in closed.content.decode()
    results = ops.get(f"/audits/rounds/{round_id}/results/").content.decode()
    assert "Too few answers for a verdict: 1 of 3 participants answered" in results
    assert "&lt;script&gt;x&lt;/script&gt;" in results and "<script>x</script>" not in results

    sales = logged_in(people["sales"])
    assert sales.get(f"/audits/rounds/{round_id}/answer/").status_code == 403  # not a participant


def _fill(round_, start: int, extra: int) -> None:
    from django.contrib.auth import get_user_model

    for n in range(start, start + extra):
        user = get_user_model().objects.create_user(f"pmx{n}", email=f"pmx{n}@example.com")
        user.groups.set(people_groups())
        services.round_add_participants(round=round_, users=[user])
        services.response_create(round=round_, user=user, answers=split_answer(round_, 10 + n))
        for k in range(3):
            InboundQuestion.objects.create(
                text=f"q{n}-{k}", source=InboundSource.MANUAL, team="sales" if k else "cs",
                asked_at=timezone.now() - timedelta(days=n + k), category="strategy", rule_category="strategy",
            )  # fmt: skip


def people_groups():
    from django.contrib.auth.models import Group

    return Group.objects.filter(name=Role.PM.value)


@pytest.mark.parametrize(
    "path", ["/audits/", "/audits/rounds/{id}/results/", "/audits/inbound/", "/audits/rounds/{id}/"]
)
def test_query_counts_do_not_grow_with_rows(
    people, pm_template, pm_round, django_assert_max_num_queries, path
):
    # An earlier closed round so the home page has a latest verdict and the results a comparison.
    earlier = services.round_create(template=pm_template, name="Earlier", created_by=people["ops"])
    services.round_open(round=earlier)
    services.response_create(round=earlier, user=people["pm"], answers=split_answer(earlier, 40))
    services.round_close(round=earlier)
    ops = logged_in(people["ops"])
    url = path.format(id=pm_round.pk)
    _fill(pm_round, 0, 2)
    with django_assert_max_num_queries(40) as small:
        assert ops.get(url).status_code == 200
    _fill(pm_round, 2, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert ops.get(url).status_code == 200


# --- API -----------------------------------------------------------------------------------------------------------


def test_api_rounds_and_results(people, pm_round):
    services.response_create(round=pm_round, user=people["pm"], answers=split_answer(pm_round, 30))
    api = _api(people["cpo"])
    rounds = api.get("/api/v1/audits/rounds/").json()
    assert rounds["results"][0]["name"] == "PM audit" and rounds["results"][0]["response_count"] == 1
    assert len(rounds["results"][0]["questions"]) == 5
    results = api.get(f"/api/v1/audits/rounds/{pm_round.pk}/results/").json()
    assert results["verdict"]["status"] == "too_few"
    assert results["questions"][0]["internal_share"]["median"] == 30.0
    assert _api(people["csm"]).get("/api/v1/audits/rounds/").status_code == 403


def test_api_own_response(people, pm_round):
    api = _api(people["pm"])
    url = f"/api/v1/audits/rounds/{pm_round.pk}/response/"
    assert api.get(url).status_code == 404
    answers = split_answer(pm_round, 30)
    split_key = next(iter(answers))
    bad = {**answers, split_key: {**answers[split_key], next(iter(answers[split_key])): 0}}
    response = api.post(url, {"answers": bad}, content_type="application/json")
    assert response.status_code == 400
    assert "add up to 100; they add up to 70" in response.json()["answers"][split_key]
    assert api.post(url, {"answers": "nope"}, content_type="application/json").status_code == 400
    assert api.post(url, {}, content_type="application/json").json() == {
        "answers": ["This field is required."]
    }
    assert (
        api.put(url, {"answers": answers}, content_type="application/json").status_code == 400
    )  # nothing yet

    assert api.post(url, {"answers": answers}, content_type="application/json").status_code == 201
    again = api.post(url, {"answers": answers}, content_type="application/json")
    assert again.status_code == 400 and "already answered" in again.json()["round"][0]
    changed = api.patch(url, {"answers": split_answer(pm_round, 45)}, content_type="application/json")
    assert (
        changed.status_code == 200
        and changed.json()["answers"][split_key][next(iter(answers[split_key]))] == 45
    )

    outsider = _api(people["sales"]).post(url, {"answers": answers}, content_type="application/json")
    assert outsider.status_code == 400 and outsider.json()["round"] == [
        "You are not a participant of this round."
    ]
    services.round_close(round=pm_round)
    closed = api.put(url, {"answers": answers}, content_type="application/json")
    assert closed.status_code == 400 and "closed" in closed.json()["round"][0]


def test_api_inbound_questions(people):
    inbound_services.rules_ensure_defaults()
    api = _api(people["ops"])
    created = api.post(
        "/api/v1/audits/inbound-questions/",
        {"text": "How do I export to CSV?", "team": "cs", "asked_of": "pm1"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["category"], body["team"], body["asked_of"]) == ("how_to", "cs", "pm1")
    assert body["matched_rule"]["pattern"] and body["matched_text"] == "How do I"

    empty = api.post("/api/v1/audits/inbound-questions/", {"text": " "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json() == {"text": ["Write the question."]}
    bad_team = api.post(
        "/api/v1/audits/inbound-questions/", {"text": "x", "team": "ops"}, content_type="application/json"
    )
    assert bad_team.status_code == 400 and "team" in bad_team.json()
    assert api.get("/api/v1/audits/inbound-questions/?category=nope").status_code == 400

    pk = body["id"]
    override = api.post(
        f"/api/v1/audits/inbound-questions/{pk}/reclassify/",
        {"category": "strategy"},
        content_type="application/json",
    )
    assert override.status_code == 200 and override.json()["category"] == "strategy"
    assert (
        api.post(
            f"/api/v1/audits/inbound-questions/{pk}/reclassify/",
            {"category": "gossip"},
            content_type="application/json",
        ).status_code
        == 400
    )
    rerun = api.post(
        f"/api/v1/audits/inbound-questions/{pk}/reclassify/", {}, content_type="application/json"
    )
    assert rerun.json()["category"] == "strategy"  # the person's class stays
    assert api.post("/api/v1/audits/inbound-questions/reclassify/").json() == {"changed": 0}
    listed = api.get("/api/v1/audits/inbound-questions/?category=strategy").json()
    assert [q["id"] for q in listed["results"]] == [pk]

    pm = _api(people["pm"])
    assert (
        pm.post(
            f"/api/v1/audits/inbound-questions/{pk}/reclassify/",
            {"category": "status"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert _api(people["sales"]).get("/api/v1/audits/inbound-questions/").status_code == 403
