"""Keyword rules, hand tagging, and the rule that a rule never undoes a person's decision."""

from __future__ import annotations

import pytest

from feedback import rules, services, tasks
from feedback.models import FeedbackTheme, TagOrigin, Theme, ThemeEvent
from productops.roles import Role
from tests.feedback.conftest import at, make_item


def live(theme: Theme) -> set[int]:
    return set(FeedbackTheme.objects.filter(theme=theme, removed=False).values_list("item_id", flat=True))


@pytest.mark.parametrize(
    ("keywords", "text", "hit"),
    [
        (["report"], "Our weekly Reports time out", True),
        (["report"], "the reporting page", True),
        (["report"], "misreported", False),  # keyword must start a word
        (["scheduled report"], "a scheduled\n  report email", True),
        (["sso", "saml"], "SAML login please", True),
        ([], "anything", False),
    ],
)
def test_rule_matching(keywords, text, hit):
    assert rules.matches(keywords, text) is hit


def test_tag_items_applies_every_rule_and_drops_stale_rule_links(store):
    reporting, sso = store.themes["reporting"], store.themes["sso"]
    FeedbackTheme.objects.all().delete()
    created = services.tag_items([item.pk for item in store.items.values()])
    # a1 report, a2 dashboard, g1 dashboard, u1 reporting, n1 report | a3 saml, i1 sso
    assert live(reporting) == store.ids("a1", "a2", "g1", "u1", "n1")
    assert live(sso) == store.ids("a3", "i1")
    assert created == 7
    item = store.items["a1"]
    item.body, item.title = "Nothing about that any more.", "Changed"
    item.save()
    assert services.tag_items([item.pk]) == 0
    assert item.pk not in live(reporting)


def test_a_persons_untag_is_never_undone_by_a_rule(store, make_user):
    pm = make_user("pm1", Role.PM)
    reporting = store.themes["reporting"]
    a1 = store.items["a1"]
    services.untag_by_person(item_ids=[a1.pk], theme=reporting, user=pm)
    services.tag_items([a1.pk])
    services.retag_all_for_theme(reporting.pk)
    link = FeedbackTheme.objects.get(item=a1, theme=reporting)
    assert link.removed and link.removed_by == pm and link.removed_at is not None
    assert a1.pk not in live(reporting)


def test_untag_before_any_rule_run_is_still_respected(store, make_user):
    pm = make_user("pm1", Role.PM)
    sso = store.themes["sso"]
    new = make_item("x1", store.accounts["acme"], "zendesk", at(6, 29), "SSO again", "Okta SSO broke.")
    services.untag_by_person(item_ids=[new.pk], theme=sso, user=pm)
    services.tag_items([new.pk])
    assert new.pk not in live(sso)


def test_a_persons_tag_survives_rules_that_do_not_match(store, make_user):
    pm = make_user("pm1", Role.PM)
    sso = store.themes["sso"]
    g2 = store.items["g2"]  # "Love it." matches no rule
    assert services.tag_by_person(item_ids=[g2.pk], theme=sso, user=pm) == 1
    services.tag_items([g2.pk])
    services.retag_all_for_theme(sso.pk)
    link = FeedbackTheme.objects.get(item=g2, theme=sso)
    assert (link.origin, link.removed, link.tagged_by) == (TagOrigin.PERSON, False, pm)


def test_retag_all_runs_in_batches_with_progress(store, make_user):
    reporting = store.themes["reporting"]
    FeedbackTheme.objects.filter(theme=reporting).delete()
    seen: list[tuple[int, int]] = []
    created = services.retag_all_for_theme(
        reporting.pk, batch_size=4, progress=lambda d, t: seen.append((d, t))
    )
    assert created == 5
    assert seen == [(4, 9), (8, 9), (9, 9)]
    reporting.refresh_from_db()
    assert (reporting.retag_done, reporting.retag_total, reporting.retag_running) == (9, 9, False)
    assert ThemeEvent.objects.filter(theme=reporting, action="retagged").exists()


def test_a_rule_change_retags_the_store_through_the_task(
    store, make_user, eager_celery, django_capture_on_commit_callbacks
):
    pm = make_user("pm1", Role.PM)
    sso = store.themes["sso"]
    with django_capture_on_commit_callbacks(execute=True):
        services.theme_update(theme=sso, user=pm, keywords=["okta", "love"])
    assert live(sso) == store.ids("i1", "g2")  # a3 (saml only) lost its rule link; g2 gained one
    assert ThemeEvent.objects.filter(theme=sso, action="updated", actor=pm).exists()


def test_tasks_take_ids_and_call_the_services(store):
    FeedbackTheme.objects.all().delete()
    assert tasks.tag_items_task.apply(args=[[store.items["i1"].pk]]).get() == 1
    assert tasks.retag_theme_task.apply(args=[store.themes["reporting"].pk]).get() == 5


def test_bulk_tag_from_the_dashboard_records_who(store, client_for):
    client = client_for(Role.PM)
    sso = store.themes["sso"]
    ids = store.ids("g1", "g2")
    response = client.post(
        "/feedback/items/tag/?source=zendesk", {"theme": sso.pk, "item": sorted(ids), "action": "tag"}
    )
    assert response.status_code == 302 and response["Location"] == "/feedback/?source=zendesk"
    links = FeedbackTheme.objects.filter(theme=sso, item_id__in=ids)
    assert {(lk.origin, lk.tagged_by.username) for lk in links} == {("person", "user-pm")}
    response = client.post(
        "/feedback/items/tag/",
        {"theme": sso.pk, "item": sorted(ids), "action": "untag"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert not (live(sso) & ids)


def test_csm_may_read_but_not_tag(store, client_for):
    client = client_for(Role.CSM)
    assert client.get("/feedback/").status_code == 200
    response = client.post(
        "/feedback/items/tag/", {"theme": store.themes["sso"].pk, "item": [1], "action": "tag"}
    )
    assert response.status_code == 403


def test_warm_up_fills_the_cache_for_the_common_cuts(store, settings, make_user):
    from feedback import cache, queries, services
    from feedback.filters import Cut

    settings.FEEDBACK_DASHBOARD_CACHE_SECONDS = 60
    # A new epoch instead of cache.clear(): the cache may be a Redis database other people use too.
    cache.new_epoch()
    assert queries.warm() == len(queries.warm_cuts())
    calls = []
    original = queries.figures
    try:
        queries.figures = lambda cut, **kw: calls.append(cut) or original(cut, **kw)
        assert queries.dashboard(Cut())["summary"]["items"] == 9
        assert calls == []  # served from the warm cache
        # A write through a service changes the version the next read is keyed by: it recomputes, and sees it.
        services.untag_by_person(
            item_ids=[store.items["a1"].pk], theme=store.themes["reporting"], user=make_user("pm9", Role.PM)
        )
        assert queries.dashboard(Cut())["summary"]["items"] == 9
        assert calls == [Cut()]
    finally:
        queries.figures = original
