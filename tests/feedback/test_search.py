"""Full-text search: stemmed, ranked, websearch syntax; highlighting escapes first."""

from __future__ import annotations

from feedback.filters import Cut, items_for, ordered_items, search_terms
from feedback.templatetags.feedback_tags import highlight
from tests.feedback.conftest import at, make_item


def test_search_is_stemmed_and_uses_websearch_syntax(store):
    assert store.names(items_for(Cut(q="reporting"))) == {"a1", "u1", "n1"}
    assert store.names(items_for(Cut(q="reports -team"))) == {"a1", "n1"}
    assert store.names(items_for(Cut(q='"group by team"'))) == {"u1"}
    assert store.names(items_for(Cut(q="sso OR saml"))) == {"a3", "i1"}


def test_relevance_ranks_title_hits_and_repeated_terms_first(store):
    acme = store.accounts["acme"]
    make_item("r1", acme, "zendesk", at(6, 29), "Billing", "Unrelated text that mentions invoice once.")
    make_item(
        "r2", acme, "zendesk", at(1, 2), "Invoice invoice", "Invoice totals are wrong on every invoice."
    )
    make_item("r3", acme, "zendesk", at(3, 2), "Question", "An invoice question and another invoice.")
    ranked = [item.external_id for item in ordered_items(Cut(q="invoices", sort="relevance"))]
    assert ranked == ["r2", "r3", "r1"]
    newest = [item.external_id for item in ordered_items(Cut(q="invoices"))]
    assert newest == ["r1", "r3", "r2"]


def test_search_terms_drop_operators():
    assert search_terms('"scheduled report" -pdf OR dashboards a') == ["scheduled", "report", "dashboards"]


def test_highlight_escapes_then_marks():
    html = highlight("<b>Reports</b> & reporting <script>alert(1)</script>", ["reporting"])
    assert html == (
        "&lt;b&gt;<mark>Reports</mark>&lt;/b&gt; &amp; <mark>reporting</mark> &lt;script&gt;alert(1)&lt;/script&gt;"
    )
    # a term that spells part of an entity never splits it
    assert highlight("a < b", ["lt"]) == "a &lt; b"
    assert highlight("x" * 50 + " the report " + "y" * 300, ["report"], 80).startswith("…")
