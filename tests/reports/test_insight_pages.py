"""The insight pages: ranking and drill-downs, bad input, saved reports, CSV, roles, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from html import unescape

import pytest
import time_machine
from django.test import Client

from feedback.models import Theme
from productops.roles import Role
from reports.models import SavedInsightReport
from tests.reports.insight_store import NOW, at, build, deal, say


@pytest.fixture
def store(db):
    with time_machine.travel(NOW, tick=False):
        yield build()


@pytest.fixture
def pm(client_for) -> Client:
    return client_for(Role.PM)


def test_the_report_ranks_and_explains_itself(store, pm):
    response = pm.get(f"/reports/insight/?themes={store.ids('sso', 'reporting', 'export')}")
    assert response.status_code == 200
    rows = response.context["report"]["rows"]
    assert [row["name"] for row in rows] == ["Reporting", "SSO", "Export"]
    html = response.content.decode()
    assert "11.00" in html and "9.86" in html
    sso_pipeline = "Pipeline 3.00 \u00d7 79% = <strong>2.36</strong>"  # weight x share = points
    assert sso_pipeline in html
    assert "Data as of" in html


def test_every_number_links_to_its_records(store, pm):
    r = store.themes["reporting"].pk
    html = unescape(pm.get(f"/reports/insight/?themes={store.ids('reporting', 'sso')}").content.decode())
    cut = f"theme={r}&start=2026-01-02&end=2026-06-30"
    assert f"/reports/insight/deals/?theme={r}" in html
    assert f"/feedback/?{cut}&segment=customer" in html
    assert f"/feedback/?{cut}&segment=churn_risk" in html
    assert f"/feedback/?{cut}&source=gong" in html
    assert f"/feedback/?{cut}&source=zendesk" in html
    assert f"/reports/insight/detractors/?theme={r}&start=2026-01-02&end=2026-06-30" in html


def test_the_dashboard_cut_agrees_with_the_installed_base_figure(store, pm):
    r = store.themes["reporting"].pk
    response = pm.get(f"/feedback/?theme={r}&start=2026-01-02&end=2026-06-30&segment=customer")
    assert response.status_code == 200
    html = response.content.decode()
    assert "$140k" in html  # acme 100k + beta 40k: the same accounts as the report's installed-base figure


def test_deal_list_behind_open_pipeline(store, pm):
    response = pm.get(f"/reports/insight/deals/?theme={store.themes['reporting'].pk}")
    names = [deal.name for deal in response.context["deals"]]
    assert names == ["Gamma d1", "Acme d2"]  # open only, biggest first; the lost d3 is not there
    assert "SSO" in response.content.decode()  # d1 is also blocked by SSO


def test_detractor_list_behind_the_figure(store, pm):
    s = store.themes["sso"].pk
    response = pm.get(f"/reports/insight/detractors/?theme={s}&start=2026-01-02&end=2026-06-30")
    assert sorted(item.nps_score for item in response.context["items"]) == [2, 5]
    assert pm.get(f"/reports/insight/detractors/?theme={s}&start=x&end=y").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("themes=reporting", "you picked 1"),
        ("themes=", "Pick 2 to 6 themes"),
        ("themes=reporting,nope", "Unknown theme: “nope”"),
        ("themes=reporting,sso,export,quiet,a1,a2,a3", "Unknown themes"),
        ("themes=reporting,sso&w_calls=-1", "Gong calls: Must be 0 or more."),
        ("themes=reporting,sso&w_pipeline=lots", "Open pipeline blocked: “lots” is not a number."),
        ("themes=reporting,sso&w_pipeline=NaN", "Must be a finite number"),
        (
            "themes=reporting,sso&w_pipeline=0&w_installed=0&w_at_risk=0&w_calls=0&w_tickets=0&w_detractors=0",
            "At least one weight",
        ),
        ("themes=reporting,sso&days=3", "Window:"),
        ("themes=reporting,sso&days=ten", "Window:"),
    ],
)
def test_bad_input_is_a_clear_message_not_a_500(store, pm, query, message):
    response = pm.get(f"/reports/insight/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_seven_themes_is_too_many(store, pm):
    more = [Theme.objects.create(name=f"T{n}", slug=f"t{n}") for n in range(4)]
    ids = store.ids("reporting", "sso", "export") + "," + ",".join(str(t.pk) for t in more)
    response = pm.get(f"/reports/insight/?themes={ids}")
    assert response.status_code == 400
    assert "you picked 7" in response.content.decode()


def test_a_merged_theme_points_to_its_survivor(store, pm):
    store.themes["quiet"].merged_into = store.themes["reporting"]
    store.themes["quiet"].save()
    response = pm.get(f"/reports/insight/?themes={store.ids('quiet', 'sso')}")
    assert response.status_code == 400
    assert "was merged into “Reporting”" in response.content.decode()


def test_a_theme_with_no_deals_and_no_feedback_still_reports(store, pm):
    response = pm.get(f"/reports/insight/?themes={store.ids('quiet', 'export')}")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "No open deal names it as a blocker." in html and "No feedback tagged with it in the window." in html
    )


def test_picker_without_themes_and_slugs_work(store, pm):
    assert pm.get("/reports/insight/").status_code == 200
    picker = pm.get(f"/reports/insight/?pick={store.themes['sso'].pk}")
    assert [t["name"] for t in picker.context["all_themes"] if t["picked"]] == ["SSO"]
    response = pm.get("/reports/insight/?themes=reporting&themes=sso")
    assert response.status_code == 200
    assert [row["name"] for row in response.context["report"]["rows"]] == ["Reporting", "SSO"]


def test_csv_has_one_row_per_theme_with_the_page_numbers(store, pm):
    response = pm.get(f"/reports/insight/export.csv?themes={store.ids('reporting', 'sso')}&w_detractors=10")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["theme"], row["score"]) for row in rows] == [("SSO", "17.86"), ("Reporting", "15.00")]
    assert rows[1]["pipeline_amount_known"] == "70000.00" and rows[1]["installed_accounts"] == "2"
    assert pm.get("/reports/insight/export.csv?themes=reporting").status_code == 400


def test_a_saved_report_reproduces_its_numbers_after_new_data_arrives(store, pm):
    response = pm.post(
        "/reports/insight/save/",
        {"themes": [store.themes["reporting"].pk, store.themes["sso"].pk], "w_calls": "2", "title": "R vs S"},
    )
    saved = SavedInsightReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/insight/saved/{saved.pk}/"
    first = pm.get(f"/reports/insight/saved/{saved.pk}/")
    before = [
        (row["name"], row["score"], row["pipeline"]["amount"]) for row in first.context["report"]["rows"]
    ]
    assert saved.weights["calls"] == "2" and saved.window_end == date(2026, 6, 30)

    # Later: a big new deal blocks SSO and more customers complain about it.
    deal("d99", store.accounts["beta"], 900_000, store.themes["sso"], close=date(2026, 9, 1))
    for _ in range(5):
        say(store.accounts["acme"], "gong", at(2026, 6, 20), store.themes["sso"])
    again = pm.get(f"/reports/insight/saved/{saved.pk}/")
    live = pm.get(f"/reports/insight/?themes={store.ids('reporting', 'sso')}&w_calls=2")
    after = [
        (row["name"], row["score"], row["pipeline"]["amount"]) for row in again.context["report"]["rows"]
    ]
    assert after == before
    assert again.context["report"]["data_as_of"] == first.context["report"]["data_as_of"]
    assert live.context["report"]["rows"][0]["name"] == "SSO"  # the live report moved on
    # New weights re-rank the saved figures without changing them.
    rerank = pm.get(f"/reports/insight/saved/{saved.pk}/?w_detractors=10")
    assert [row["name"] for row in rerank.context["report"]["rows"]] == ["SSO", "Reporting"]
    bad = pm.get(f"/reports/insight/saved/{saved.pk}/?w_detractors=-2")
    assert bad.status_code == 400 and "Must be 0 or more" in bad.content.decode()
    assert pm.get(f"/reports/insight/saved/{saved.pk}/export.csv").status_code == 200


def test_roles(store, client_for):
    url = f"/reports/insight/?themes={store.ids('reporting', 'sso')}"
    assert client_for(Role.CPO).get(url).status_code == 200
    assert client_for(Role.SALES).get(url).status_code == 403
    assert client_for(Role.CSM).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_query_count_does_not_grow_with_rows_or_themes(store, pm, django_assert_max_num_queries):
    url = f"/reports/insight/?themes={store.ids('reporting', 'sso')}"
    with django_assert_max_num_queries(20) as small:
        pm.get(url)
    for n in range(30):
        deal(f"x{n}", store.accounts["beta"], 1_000 + n, store.themes["sso"], store.themes["export"])
        say(
            store.accounts["acme"],
            "zendesk",
            at(2026, 6, 1),
            store.themes["reporting"],
            store.themes["export"],
        )
    Theme.objects.bulk_create([Theme(name=f"More {n}", slug=f"more-{n}") for n in range(10)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        pm.get(f"/reports/insight/?themes={store.ids('reporting', 'sso', 'export', 'quiet')}")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(store, pm):
    Theme.objects.filter(pk=store.themes["export"].pk).update(name="=HYPERLINK(1)")
    response = pm.get(f"/reports/insight/export.csv?themes={store.ids('reporting', 'export')}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[1]["theme"] == "'=HYPERLINK(1)"


def test_the_page_needs_few_queries(store, pm, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        pm.get(f"/reports/insight/?themes={store.ids('reporting', 'sso', 'export')}")
