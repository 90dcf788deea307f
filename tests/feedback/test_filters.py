"""Each filter alone and combined, against sets worked out by hand from the fixture (see conftest)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from feedback import queries
from feedback.filters import Cut, items_for, parse_cut
from tests.feedback.conftest import TODAY

ALL = {"a1", "a2", "a3", "g1", "g2", "i1", "u1", "u2", "n1"}


def names(store, cut: Cut) -> set[str]:
    return store.names(items_for(cut))


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("churn_risk", {"a1", "a2", "a3"}),
        ("customer", {"a1", "a2", "a3", "g1", "g2", "u1", "u2"}),
        ("prospect", {"i1"}),
        ("expansion", {"g1", "g2"}),
        ("high_priority_deal", {"a1", "a2", "a3", "i1"}),
        ("arr_enterprise", {"a1", "a2", "a3", "u1", "u2"}),
        ("arr_mid_market", {"g1", "g2"}),
        ("arr_smb", {"i1"}),
    ],
)
def test_each_segment_alone(store, segment, expected):
    assert names(store, Cut(segments=(segment,))) == expected


def test_no_filter_is_everything(store):
    assert names(store, Cut()) == ALL


def test_source_theme_account_owner_dates_and_text_alone(store):
    assert names(store, Cut(sources=("nps",))) == {"a2", "g2", "u2"}
    assert names(store, Cut(sources=("nps", "gong"))) == {"a2", "g2", "u2", "a3"}
    assert names(store, Cut(theme_id=store.themes["sso"].pk)) == {"a3", "i1"}
    assert names(store, Cut(account_id=store.accounts["umbrella"].pk)) == {"u1", "u2"}
    assert names(store, Cut(owner_id=store.csm1.pk)) == {"a1", "a2", "a3", "u1", "u2"}
    assert names(store, Cut(start=date(2026, 6, 20), end=date(2026, 6, 28))) == {"a1", "g1", "u2"}
    assert names(store, Cut(q="reports")) == {"a1", "u1", "n1"}  # stemmed: report, reports, reporting


def test_combined_filters_intersect(store):
    # "What are churn-risk customers over $100k ARR saying about reporting in the last 90 days?"
    cut, form = parse_cut(
        QueryDict(f"segment=churn_risk&segment=arr_enterprise&theme={store.themes['reporting'].pk}&days=90"),
        today=TODAY,
    )
    assert not form.errors
    assert names(store, cut) == {"a1", "a2"}
    assert names(store, Cut(segments=("customer",), sources=("nps",), start=date(2026, 6, 1))) == {"g2", "u2"}
    assert names(store, Cut(owner_id=store.csm1.pk, theme_id=store.themes["reporting"].pk, q="team")) == {
        "u1"
    }


def test_invalid_filters_name_the_field(store):
    _cut, form = parse_cut(QueryDict("segment=nope&days=7&start=2026-02-02&end=2026-01-01&theme=999"))
    assert set(form.errors) == {"segment", "days", "end", "theme"}


def test_summary_counts_distinct_accounts_arr_and_nps(store):
    data = queries.summary(Cut(segments=("customer",)))
    assert data["items"] == 7
    assert data["accounts"] == 3
    assert data["arr"] == Decimal(300_000)  # each account's ARR once, however many items it has
    assert data["nps_n"] == 3 and data["nps_avg"] == 7.0  # (3 + 10 + 8) / 3
    assert data["detractor_share"] == pytest.approx(33.3)
    assert data["nps"] == 0  # one promoter, one detractor


def test_top_themes_count_items_accounts_and_arr(store):
    rows = queries.top_themes(Cut())
    assert [(r["name"], r["items"], r["accounts"], r["arr"]) for r in rows] == [
        ("Reporting", 5, 3, Decimal(300_000)),  # acme 150k + globex 30k + umbrella 120k; n1 has no account
        ("SSO", 2, 2, Decimal(150_000)),
    ]


def test_blocked_deals_of_the_cut(store):
    deals = queries.blocked_deals(Cut(segments=("churn_risk",)), [store.themes["reporting"].pk])
    assert [(d["name"], d["themes"]) for d in deals] == [("Acme renewal", ["Reporting"])]
    assert queries.blocked_deals(Cut(segments=("expansion",)), [store.themes["reporting"].pk]) == []


def test_weekly_series_by_source(store):
    series = queries.weekly_by_source(Cut(start=date(2026, 6, 1)), today=TODAY)
    assert series["labels"][0] == "Jun 1"
    totals = {ds["label"]: sum(ds["data"]) for ds in series["datasets"]}
    assert totals == {"Salesforce": 1, "Zendesk": 2, "Gong": 0, "NPS": 2, "Survey": 0, "Manual": 1}


def test_dashboard_page_shows_the_cut_and_keeps_it_in_links(store, client_for):
    from productops.roles import Role

    client = client_for(Role.PM)
    url = f"/feedback/?segment=churn_risk&segment=arr_enterprise&theme={store.themes['reporting'].pk}"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="stat-items">2<' in html
    assert 'data-testid="stat-arr">$150k<' in html
    assert "Acme renewal" in html
    assert "segment=arr_enterprise&amp;segment=churn_risk" in html  # export + pager links keep the cut


def test_htmx_request_gets_only_the_results_region(store, client_for):
    from productops.roles import Role

    response = client_for(Role.PM).get("/feedback/?source=nps", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'class="filters' not in html
    assert 'data-testid="stat-items">3<' in html


def test_account_filter_chip_links_to_the_cut_without_it(store, client_for):
    from productops.roles import Role

    acme = store.accounts["acme"]
    html = client_for(Role.PM).get(f"/feedback/?account={acme.pk}&source=nps").content.decode()
    assert 'data-testid="stat-items">1<' in html
    assert 'href="/feedback/?source=nps" title="Remove the account filter"' in html
