"""Clusters of similar untagged feedback, and one-click "create theme from this cluster"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.models import FeedbackTheme, Theme
from productops.roles import Role
from reports.trends_clusters import untagged_clusters

from .conftest import TODAY


@pytest.fixture
def cluster(make_account, say, make_theme):
    account = make_account("Acme")
    tagged = make_theme("Billing")
    items = [
        say(account, None, TODAY - timedelta(days=d), title="Dark mode please",
            body="Our agents work night shifts and want a dark mode; the white screens hurt.")
        for d in range(1, 5)
    ]  # fmt: skip
    say(
        account,
        None,
        TODAY - timedelta(days=2),
        title="Invoice PDF",
        body="Totally different words entirely here.",
    )
    say(
        account,
        tagged,
        TODAY - timedelta(days=2),
        title="Dark mode please",
        body="Tagged already: not in a cluster.",
    )
    return items


def test_similar_untagged_items_form_a_named_cluster(cluster):
    clusters = untagged_clusters(today=TODAY)
    assert len(clusters) == 1
    assert sorted(clusters[0].item_ids) == sorted(i.pk for i in cluster)
    assert "dark" in clusters[0].words and clusters[0].suggested_name.startswith("Dark")


def test_pm_creates_a_theme_from_the_cluster_in_one_click(cluster, client_for):
    ids = ",".join(str(i.pk) for i in cluster)
    response = client_for(Role.PM).post(
        "/reports/trends/clusters/theme/", {"name": "Dark mode", "item_ids": ids}
    )
    theme = Theme.objects.get(name="Dark mode")
    assert response.status_code == 302 and response["Location"] == f"/feedback/themes/{theme.pk}/"
    assert FeedbackTheme.objects.filter(theme=theme, removed=False, origin="person").count() == 4
    assert untagged_clusters(today=TODAY) == []


def test_bad_cluster_input_is_a_400_next_to_the_field(cluster, client_for):
    client = client_for(Role.PM)
    ids = ",".join(str(i.pk) for i in cluster)
    taken = client.post("/reports/trends/clusters/theme/", {"name": "billing", "item_ids": ids})
    assert taken.status_code == 400 and "exists already" in taken.content.decode()
    assert taken.context["cluster_form"].errors["name"]
    garbage = client.post("/reports/trends/clusters/theme/", {"name": "X", "item_ids": "1,abc"})
    assert garbage.status_code == 400 and garbage.context["cluster_form"].errors["item_ids"]
    assert not Theme.objects.filter(name="X").exists()


def test_cpo_sees_clusters_but_may_not_create_themes(cluster, client_for):
    client = client_for(Role.CPO)
    html = client.get("/reports/trends/").content.decode()
    assert "Dark mode please" in html and "Create theme from this cluster" not in html
    assert client.post("/reports/trends/clusters/theme/", {"name": "Y", "item_ids": "1"}).status_code == 403


def test_verbatims_are_escaped(make_account, say, client_for):
    account = make_account("Acme")
    for d in range(1, 4):
        say(account, None, TODAY - timedelta(days=d), title="<script>alert(1)</script> dark mode",
            body="<img src=x onerror=alert(1)> we want a dark mode for night shifts please")  # fmt: skip
    html = client_for(Role.PM).get("/reports/trends/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html and "<script>alert" not in html
