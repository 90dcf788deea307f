"""Customer text renders escaped on every page it appears on, including highlighted search results."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackTheme, TagOrigin
from productops.roles import Role
from tests.feedback.conftest import at, make_item

SCRIPT = "<script>alert('x')</script> reporting"
IMG = '<img src=x onerror="alert(1)"> dashboard'


@pytest.fixture
def evil(store):
    acme = store.accounts["acme"]
    item = make_item("evil", acme, "zendesk", at(6, 29), IMG, SCRIPT)
    FeedbackTheme.objects.create(item=item, theme=store.themes["reporting"], origin=TagOrigin.RULE)
    acme.name = "<b onmouseover=alert(2)>Acme</b>"
    acme.save()
    return item


@pytest.mark.parametrize(
    "path",
    [
        "/feedback/",
        "/feedback/?q=reporting",
        "/feedback/?q=dashboard&sort=relevance",
        "/feedback/?q=reporting&source=zendesk&segment=churn_risk",
        "ACCOUNT",
        "THEME",
    ],
)
def test_evil_text_is_escaped(store, evil, client_for, path):
    path = path.replace("ACCOUNT", f"/feedback/accounts/{store.accounts['acme'].pk}/").replace(
        "THEME", f"/feedback/themes/{store.themes['reporting'].pk}/"
    )
    html = client_for(Role.PM).get(path).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html and 'onerror="alert' not in html
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html
