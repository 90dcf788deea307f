"""Defect 4: API pages have a ceiling, and a limit or offset that is not a sane whole number is a 400 naming it."""

from __future__ import annotations

import pytest

from productops.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=200000", "limit"),
        ("limit=" + "9" * 25, "limit"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("offset=" + "9" * 25, "offset"),
        ("offset=x", "offset"),
        ("limit=1e3", "limit"),
    ],
)
def test_out_of_range_or_non_numeric_paging_is_a_400_naming_the_parameter(client_for, query, field):
    client = client_for(Role.PRODUCT_OPS)
    for url in (
        "/api/v1/accounts/",
        "/api/v1/feedback/items/",
        "/api/v1/releases/",
        "/api/v1/checklist-items/",
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query, response.content[:200])
        assert field in response.json()


def test_the_maximum_page_is_served(client_for, settings):
    settings.API_MAX_PAGE_SIZE = 500
    client = client_for(Role.PRODUCT_OPS)
    assert client.get("/api/v1/accounts/?limit=500&offset=10").status_code == 200
    assert client.get("/api/v1/accounts/?limit=501").status_code == 400
