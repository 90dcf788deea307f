"""The dashboard's page of items is cached under the table versions: every write shows in the next request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback import services
from feedback.models import Account, FeedbackItem, FeedbackTheme, Theme
from productops.roles import Role

# These tests read the values cached inside a page through its template context, which a page served whole by the
# page cache does not have.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("render_every_view")]


def _item(external_id: str, account: Account | None, title: str, *, day: int) -> FeedbackItem:
    when = datetime(2026, 2, day, 12, tzinfo=UTC)
    return FeedbackItem.objects.create(
        source="zendesk",
        external_id=external_id,
        account=account,
        kind="ticket",
        title=title,
        body="b",
        occurred_at=when,
    )


def test_the_cached_page_of_items_shows_each_write_at_once(settings, client_for, make_user):
    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 600  # on, as in production (the package's tests turn it off)
    account = Account.objects.create(name="Initech")
    theme = Theme.objects.create(name="Exports", slug="exports")
    items = [_item(str(n), account, f"title {n}", day=1 + n) for n in range(3)]
    client = client_for(Role.PM)

    def page() -> list[tuple[str, str, list[str]]]:
        response = client.get("/feedback/")
        assert response.status_code == 200
        return [
            (
                item.title,
                item.account.name if item.account else "",
                [link.theme.name for link in item.live_links],
            )
            for item in response.context["items"]
        ]

    assert page() == [("title 2", "Initech", []), ("title 1", "Initech", []), ("title 0", "Initech", [])]
    assert page()[0][0] == "title 2"  # from the cache
    FeedbackItem.objects.filter(pk=items[2].pk).update(title="edited")  # a body or title edit
    assert page()[0] == ("edited", "Initech", [])
    pm = make_user("pm-tagger", Role.PM)
    services.tag_by_person(item_ids=[items[1].pk], theme=theme, user=pm)
    assert page()[1] == ("title 1", "Initech", ["Exports"])
    Theme.objects.filter(pk=theme.pk).update(name="CSV exports")  # a renamed theme
    assert page()[1] == ("title 1", "Initech", ["CSV exports"])
    FeedbackTheme.objects.filter(item=items[1]).update(removed=True)  # an untag
    assert page()[1] == ("title 1", "Initech", [])
    Account.objects.filter(pk=account.pk).update(name="Initrode")  # a renamed account
    assert page()[0] == ("edited", "Initrode", [])
    _item("new", None, "newest", day=20)
    assert [row[0] for row in page()] == ["newest", "edited", "title 1", "title 0"]
    FeedbackItem.objects.filter(pk=items[0].pk).delete()
    assert [row[0] for row in page()] == ["newest", "edited", "title 1"]
