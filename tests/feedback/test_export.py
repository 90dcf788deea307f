"""The CSV export is exactly the filtered set, streamed, with formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse

from feedback.filters import Cut, items_for
from productops.roles import Role
from tests.feedback.conftest import at, make_item


def read_csv(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_export_equals_the_filtered_set(store, client_for):
    client = client_for(Role.PM)
    query = f"segment=customer&theme={store.themes['reporting'].pk}&start=2026-01-01"
    response = client.get(f"/feedback/export.csv?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    expected = items_for(Cut(segments=("customer",), theme_id=store.themes["reporting"].pk))
    assert sorted(int(row["id"]) for row in rows) == sorted(expected.values_list("pk", flat=True))
    assert {row["external_id"] if "external_id" in row else row["title"] for row in rows} == {
        "Reports are slow",
        "NPS 3",
        "Export",
        "Reporting by team",
    }
    assert [row["occurred_at"] for row in rows] == sorted((row["occurred_at"] for row in rows), reverse=True)


def test_export_of_everything_and_bad_filters(store, client_for):
    client = client_for(Role.CPO)
    assert len(read_csv(client.get("/feedback/export.csv"))) == 9
    response = client.get("/feedback/export.csv?source=fax")
    assert response.status_code == 400 and b"source" in response.content


def test_formula_cells_are_neutralised(store, client_for):
    make_item("f1", store.accounts["acme"], "zendesk", at(6, 29), '=HYPERLINK("http://x")', "+1 agree")
    rows = read_csv(client_for(Role.PM).get("/feedback/export.csv?q=agree"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")' and rows[0]["body"] == "'+1 agree"
