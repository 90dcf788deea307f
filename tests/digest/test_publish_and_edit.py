from __future__ import annotations

from datetime import date

import pytest

from digest import services
from digest.models import Digest, DigestEntry, DigestStatus
from readiness import services as readiness_services
from tests.digest.conftest import TODAY, client_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return services.digest_draft(today=TODAY)


def _edit_payload(digest: Digest, **override: str) -> dict[str, str]:
    data = {"intro": digest.intro}
    for entry in digest.entries.all():
        data[f"e{entry.pk}-note"] = entry.note
        data[f"e{entry.pk}-position"] = str(entry.position)
        if entry.hidden:
            data[f"e{entry.pk}-hidden"] = "on"
    data.update(override)
    return data


def test_publishing_freezes_what_readers_see(draft, world, people):
    ops = client_for_user(people["ops"])
    soon = draft.entries.get(section="shipping_soon")
    ops.post(
        f"/digest/{draft.period}/edit/", _edit_payload(draft, **{f"e{soon.pk}-note": "Tell **everyone**."})
    )
    assert ops.post(f"/digest/{draft.period}/publish/").status_code == 302
    sales = client_for_user(people["sales"])
    before = sales.get("/digest/").content.decode()
    assert (
        "Reporting 2.0" in before and "<strong>everyone</strong>" in before and "Mon Mar 30, 2026" in before
    )
    # Everything changes afterwards: the published page does not.
    release = world["soon"]
    release.name = "Renamed"
    release.customer_change = "Something else"
    release.save()
    readiness_services.release_set_launch_date(
        release=release, launch_date=date(2026, 5, 1), actor=people["pm"]
    )
    for item in release.checklist.filter(needs_evidence=False):
        readiness_services.item_tick(item=item, actor=people["ops"])
    after = sales.get(f"/digest/{draft.period}/").content.decode()
    strip = lambda html: html.split('<main class="content">')[1]  # noqa: E731 - the sidebar holds a CSRF token
    assert strip(after) == strip(before)


def test_publishing_an_empty_digest_is_refused_and_nothing_is_lost(draft, people):
    DigestEntry.objects.filter(digest=draft).update(hidden=True)
    ops = client_for_user(people["ops"])
    response = ops.post(f"/digest/{draft.period}/publish/", follow=True)
    assert "nothing to show" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DigestStatus.DRAFT and draft.entries.count() > 0


def test_a_second_publish_says_so_and_changes_nothing(draft, people):
    ops = client_for_user(people["ops"])
    ops.post(f"/digest/{draft.period}/publish/")
    published_at = Digest.objects.get(pk=draft.pk).published_at
    response = ops.post(f"/digest/{draft.period}/publish/", follow=True)
    assert response.status_code == 200 and "already published" in response.content.decode()
    assert Digest.objects.get(pk=draft.pk).published_at == published_at


def test_editing_a_published_digest_is_refused(draft, people):
    ops = client_for_user(people["ops"])
    ops.post(f"/digest/{draft.period}/publish/")
    draft.refresh_from_db()
    response = ops.post(f"/digest/{draft.period}/edit/", _edit_payload(draft, intro="Changed later"))
    assert response.status_code == 409
    assert "frozen" in response.content.decode()
    assert Digest.objects.get(pk=draft.pk).intro == ""
    with pytest.raises(services.DigestLocked):
        services.digest_save_edits(digest=draft, intro="x", edits=[])


def test_markdown_is_rendered_and_sanitised(draft, people):
    ops = client_for_user(people["ops"])
    soon = draft.entries.get(section="shipping_soon")
    evil = {
        "intro": "Hi <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
        f"e{soon.pk}-note": "[ok](https://example.com) [bad](JaVaScRiPt:alert(4)) <a href='javascript:alert(5)'>x</a>",
    }
    response = ops.post(f"/digest/{draft.period}/edit/", _edit_payload(draft, **evil), follow=True)
    assert "Raw HTML in your text is shown as plain text" in response.content.decode()
    ops.post(f"/digest/{draft.period}/publish/")
    html = client_for_user(people["sales"]).get("/digest/").content.decode()
    assert "<script>alert" not in html and "<img" not in html
    assert 'href="javascript' not in html.lower() and "<a href='javascript" not in html.lower()
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not lost


def test_reorder_and_hide_in_the_editor(world, people):
    readiness_services.release_set_launch_date(
        release=world["far"], launch_date=date(2026, 4, 1), actor=people["pm"]
    )
    digest = services.digest_draft(today=TODAY)
    first, second = digest.entries.filter(section="shipping_soon").order_by("position")
    ops = client_for_user(people["ops"])
    ops.post(f"/digest/{digest.period}/edit/", {**_edit_payload(digest), "move": f"{second.pk}:up"})
    assert [e.pk for e in digest.entries.filter(section="shipping_soon").order_by("position")] == [
        second.pk,
        first.pk,
    ]
    ops.post(f"/digest/{digest.period}/edit/", _edit_payload(digest, **{f"e{first.pk}-hidden": "on"}))
    preview = ops.get(f"/digest/{digest.period}/preview/").content.decode()
    assert f'id="entry-{second.pk}"' in preview and f'id="entry-{first.pk}"' not in preview


def test_bad_position_is_an_error_next_to_the_field_and_saves_nothing(draft, people):
    soon = draft.entries.get(section="shipping_soon")
    response = client_for_user(people["ops"]).post(
        f"/digest/{draft.period}/edit/", _edit_payload(draft, intro="kept?", **{f"e{soon.pk}-position": "-3"})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-error" in html and "kept?" in html  # the typed text is still in the form
    assert Digest.objects.get(pk=draft.pk).intro == ""


def test_publish_queues_the_email_after_commit(draft, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.digest_publish(digest=draft, actor=people["ops"])
    assert len(callbacks) == 1


@pytest.mark.parametrize("role", ["pm", "csm", "sales", "cpo"])
def test_only_product_ops_drafts_edits_and_publishes(draft, people, role):
    client = client_for_user(people[role])
    assert client.post("/digest/draft-now/").status_code == 403
    assert client.get(f"/digest/{draft.period}/edit/").status_code == 403
    assert client.post(f"/digest/{draft.period}/publish/").status_code == 403
    assert client.get("/digest/manage/").status_code == 403
    assert Digest.objects.get(pk=draft.pk).status == DigestStatus.DRAFT


def test_product_ops_drafts_now(world, people):
    response = client_for_user(people["ops"]).post("/digest/draft-now/")
    assert response.status_code == 302 and response["Location"] == "/digest/2026-10/edit/"
    assert Digest.objects.filter(year=2026, week=10).exists()
