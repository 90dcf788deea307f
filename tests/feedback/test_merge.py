"""Merging keeps every link, rule, deal and history entry; splitting moves items as a person's decision."""

from __future__ import annotations

from feedback import services
from feedback.models import FeedbackTheme, TagOrigin, Theme, ThemeEvent, ThemeStatus
from productops.roles import Role


def test_merge_moves_every_link_rule_deal_and_event(store, make_user):
    pm = make_user("pm1", Role.PM)
    reporting, sso = store.themes["reporting"], store.themes["sso"]
    # a1 is in both: a person's untag on the merged side must win over the survivor's rule link.
    services.untag_by_person(item_ids=[store.items["a3"].pk], theme=sso, user=pm)
    FeedbackTheme.objects.create(item=store.items["a3"], theme=reporting, origin=TagOrigin.RULE)
    ThemeEvent.objects.create(theme=sso, action="note", detail={"x": 1})
    store.deals["acme"].blocking_themes.add(sso)  # blocked by both: stays one row after the merge
    before = set(FeedbackTheme.objects.values_list("item_id", flat=True))

    services.merge_themes(survivor=reporting, merged=sso, user=pm)

    sso.refresh_from_db()
    reporting.refresh_from_db()
    assert sso.merged_into == reporting and sso.status == ThemeStatus.ARCHIVED
    assert not FeedbackTheme.objects.filter(theme=sso).exists()
    assert set(FeedbackTheme.objects.filter(theme=reporting).values_list("item_id", flat=True)) == before
    a3 = FeedbackTheme.objects.get(theme=reporting, item=store.items["a3"])
    assert (a3.origin, a3.removed) == (TagOrigin.PERSON, True)
    assert FeedbackTheme.objects.get(theme=reporting, item=store.items["i1"]).removed is False
    assert reporting.keywords == ["report", "dashboard", "sso", "saml"]
    assert list(store.deals["initech"].blocking_themes.all()) == [reporting]
    assert list(store.deals["acme"].blocking_themes.all()) == [reporting]
    assert ThemeEvent.objects.filter(theme=reporting, action="note").exists()
    assert ThemeEvent.objects.filter(theme=reporting, action="merged", detail__merged_id=sso.pk).exists()


def test_merged_theme_page_redirects_to_the_survivor(store, client_for, make_user):
    reporting, sso = store.themes["reporting"], store.themes["sso"]
    client = client_for(Role.PM)
    response = client.post(f"/feedback/themes/{reporting.pk}/merge/", {"merged": sso.pk})
    assert response.status_code == 302
    assert client.get(f"/feedback/themes/{sso.pk}/")["Location"] == f"/feedback/themes/{reporting.pk}/"
    assert client.post(f"/feedback/themes/{reporting.pk}/merge/", {"merged": reporting.pk}).status_code == 400


def test_split_moves_items_to_another_theme(store, client_for):
    reporting = store.themes["reporting"]
    client = client_for(Role.PM)
    client.post("/feedback/themes/", {"name": "Exports", "keywords": "", "status": "active"})
    exports = Theme.objects.get(name="Exports")
    ids = sorted(store.ids("g1", "n1"))
    response = client.post(f"/feedback/themes/{reporting.pk}/move/", {"target": exports.pk, "item": ids})
    assert response.status_code == 302
    assert set(
        FeedbackTheme.objects.filter(theme=exports, removed=False).values_list("item_id", flat=True)
    ) == set(ids)
    moved_out = FeedbackTheme.objects.filter(theme=reporting, item_id__in=ids)
    assert all(link.removed and link.origin == TagOrigin.PERSON for link in moved_out)
    # and the rule (which still matches "dashboard"/"report") does not pull them back
    services.retag_all_for_theme(reporting.pk)
    assert all(link.removed for link in FeedbackTheme.objects.filter(theme=reporting, item_id__in=ids))
