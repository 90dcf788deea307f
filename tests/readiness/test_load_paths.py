"""The cheaper read paths behind the load benchmark give the same answers as the old ones, and show writes at once.

Validation evidence from the fact tables equals the counts from the item rows; the launch outcome and the evidence
cached under table versions reflect a tag, an untag, a new item and a re-segmented account in the next request; the
board's "my accounts" count equals the old join; the kit pages the affected accounts and its CSV holds them all.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db.models import Count, Q
from django.test import override_settings

from feedback import services as feedback_services
from feedback.models import Account, FeedbackTheme, Lifecycle, Theme
from readiness import selectors, services
from readiness.models import Release
from reports import trends_launches
from tests.clients import logged_in
from tests.readiness.conftest import account

# These tests read the values cached inside a page through its template context, which a page served whole by the
# page cache does not have.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("render_every_view")]


@pytest.fixture
def store(theme, say, people):
    """Accounts in every segment, items on two themes, a removed link, an item without an account."""
    sso = Theme.objects.create(name="SSO", slug="sso")
    accounts = [
        account("Risky", risk=90, arr="300000", owner=people["csm"]),
        account("Small", risk=5, arr="5000", owner=people["csm2"]),
        account("Prospect", lifecycle=Lifecycle.PROSPECT, arr="60000"),
        account("Churned", risk=99, lifecycle=Lifecycle.CHURNED),
    ]
    Account.objects.filter(name="Prospect").update(arr=None)
    for n, acc in enumerate(accounts):
        for day in range(1, n + 3):
            say(acc, theme, f"reports {n} {day}", day=day)
        say(acc, sso, f"sso {n}", day=n + 1)
    say(accounts[0], theme, "untagged", removed=True)
    say(None, theme, "anonymous")
    return {"accounts": accounts, "sso": sso}


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
@pytest.mark.parametrize("which", [["reporting"], ["sso"], ["reporting", "sso"]])
def test_evidence_from_the_fact_tables_equals_the_item_rows(store, which):
    ids = sorted(Theme.objects.filter(slug__in=which).values_list("pk", flat=True))
    for limit in (1, 2, 12):
        from_facts = selectors.evidence_counts_from_facts(ids, account_limit=limit)
        assert from_facts == selectors.evidence_counts_from_items(ids, account_limit=limit)
    assert from_facts["total"] > 0 and from_facts["by_segment"]


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
def test_the_release_page_shows_each_write_in_its_evidence(store, make_release, theme, say, people):
    release = make_release()
    services.checklist_open(release=release)
    client = logged_in(people["pm"])

    def evidence() -> selectors.ValidationEvidence:
        page = client.get(f"/readiness/releases/{release.pk}/")
        assert page.status_code == 200
        return page.context["evidence"]

    def expected() -> dict:
        return selectors.evidence_counts_from_items([theme.pk])

    first = evidence()
    assert first.total_items == expected()["total"]
    risky = store["accounts"][0]
    item = say(risky, theme, "a new item", day=20)  # a new item (ingest writes the same tables)
    assert evidence().total_items == first.total_items + 1 == expected()["total"]
    feedback_services.untag_by_person(item_ids=[item.pk], theme=theme, user=people["pm"])
    assert evidence().total_items == first.total_items == expected()["total"]
    other = FeedbackTheme.objects.filter(theme=store["sso"]).values_list("item_id", flat=True).first()
    feedback_services.tag_by_person(item_ids=[other], theme=theme, user=people["pm"])
    assert evidence().total_items == first.total_items + 1
    churn_before = dict(evidence().by_segment).get("Churn risk", 0)
    Account.objects.filter(pk=risky.pk).update(churn_risk_score=10)  # re-segmented: no longer churn risk
    after = evidence()
    assert dict(after.by_segment).get("Churn risk", 0) < churn_before
    counts = expected()
    assert [n for _label, n in after.by_segment] == [n for _key, n in counts["by_segment"]]
    assert [(row["account"].pk, row["asks"]) for row in after.accounts] == counts["accounts"]


def test_the_launch_outcome_is_cached_exactly(theme, say, make_release, people):
    release = make_release("Launched", launch=date(2026, 2, 10))
    acc = account("Customer", risk=90, owner=people["csm"])
    for day in (3, 5, 12, 20):
        say(acc, theme, f"before and after {day}", day=day)
    args = ([theme.pk], release.launch_date, 14)
    first = trends_launches._before_after(*args)
    assert first == trends_launches._before_after_from_items(*args)
    assert trends_launches._before_after(*args) == first  # from the cache now
    item = say(acc, theme, "one more after", day=21)
    second = trends_launches._before_after(*args)
    assert second["", "f", True] == first["", "f", True] + 1
    assert second == trends_launches._before_after_from_items(*args)
    feedback_services.untag_by_person(item_ids=[item.pk], theme=theme, user=people["pm"])
    assert trends_launches._before_after(*args) == first


def test_my_accounts_per_release_equals_the_join_over_affected_accounts(make_release, theme, say, people):
    mine = [account(f"Mine {n}", owner=people["csm"]) for n in range(3)]
    theirs = [account(f"Theirs {n}", owner=people["csm2"]) for n in range(2)]
    first, second = make_release("One"), make_release("Two", launch=date(2026, 5, 4))
    first.affected_accounts.set([*mine, *theirs])
    second.affected_accounts.set(mine[:1])
    make_release("None of mine").affected_accounts.set(theirs)
    old = dict(
        Release.objects.annotate(
            n=Count("affected_accounts", filter=Q(affected_accounts__owner_csm=people["csm"]), distinct=True)
        )
        .filter(n__gt=0)
        .values_list("pk", "n")
    )
    assert selectors.my_accounts_per_release(people["csm"]) == old == {first.pk: 3, second.pk: 1}
    rows = selectors.board(today=date(2026, 3, 2), user=people["csm"], only_mine=True)
    assert {row.release.name: row.my_accounts for row in rows} == {"One": 3, "Two": 1}


@pytest.fixture
def big_release(make_release, people):
    release = make_release()
    accounts = [
        Account(name=f"Own {n:03}", owner_csm=people["csm"], domain=f"own{n}.example") for n in range(130)
    ]
    accounts += [Account(name=f"Other {n:03}", owner_csm=people["csm2"]) for n in range(40)]
    accounts += [Account(name="=HYPERLINK(1)"), Account(name="Nobody's")]
    release.affected_accounts.set(Account.objects.bulk_create(accounts))
    return release


def test_the_kit_pages_affected_accounts_yours_first_with_exact_counts(big_release, people):
    client = logged_in(people["csm"])
    url = f"/readiness/releases/{big_release.pk}/kit/"
    page = client.get(url)
    affected = page.context["affected"]
    html = page.content.decode()
    assert affected.total == 172 and affected.showing == "your accounts"
    assert {o.name: o.count for o in affected.owners} == {"csm1": 130, "csm2": 40, "No owner": 2}
    assert affected.page.paginator.count == 130 and len(affected.page.object_list) == 100
    assert "Own 000" in html and "Own 099" in html and "Own 100" not in html and "Other 000" not in html
    assert "Download all 172 as CSV" in html and "page 1 of 2" in html
    assert "Own 129" in client.get(url + "?page=2").content.decode()
    others = client.get(url + f"?owner={people['csm2'].pk}").context["affected"]
    assert others.page.paginator.count == 40 and others.showing == "csm2's accounts"
    nobody = client.get(url + "?owner=none").context["affected"]
    assert [a.name for a in nobody.page.object_list] == ["=HYPERLINK(1)", "Nobody's"]
    everyone = client.get(url + "?owner=").context["affected"]
    assert everyone.page.paginator.count == 172 and everyone.showing == "every account"
    found = client.get(url + "?owner=&q=Own+12").context["affected"]
    assert [a.name for a in found.page.object_list] == [f"Own {n}" for n in range(120, 130)]
    for junk in ("?owner=abc", "?owner=999999", "?page=zz", "?page=99999999999999999999", "?q=x%00"):
        assert client.get(url + junk).status_code in (200, 400)  # a NUL is refused by the portal-wide rule
    pm_view = logged_in(people["pm"]).get(url).context["affected"]
    assert pm_view.showing == "every account" and pm_view.page.paginator.count == 172


def test_the_kit_csv_holds_every_affected_account_safely(big_release, people):
    response = logged_in(people["sales"]).get(f"/readiness/releases/{big_release.pk}/kit/accounts.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["account", "domain", "owner"]
    assert len(rows) == 1 + 172
    assert rows[1][:3] == ["'=HYPERLINK(1)", "", ""]  # a formula cell is defused
    assert {"Own 129", "Other 039", "Nobody's"} <= {r[0] for r in rows}
    assert next(r[:3] for r in rows if r[0] == "Own 000") == ["Own 000", "own0.example", "csm1"]
    assert logged_in(people["sales"]).get("/readiness/releases/999999/kit/accounts.csv").status_code == 404


@override_settings(CHURN_RISK_SCORE_THRESHOLD=70)
def test_the_kits_cached_high_risk_list_shows_each_write_at_once(make_release, theme, say, people):
    release = make_release()
    risky = account("Risky Co", risk=90, owner=people["csm2"])
    say(risky, theme, "first words", day=1)
    client = logged_in(people["pm"])

    def high_risk() -> selectors.HighRiskList:
        return client.get(f"/readiness/releases/{release.pk}/kit/").context["high_risk"]

    first = high_risk()
    assert [(r.account.name, [q.body for q in r.quotes]) for r in first.rows] == [
        ("Risky Co", ["first words"])
    ]
    newer = say(risky, theme, "newer words", day=5)
    assert [q.body for q in high_risk().rows[0].quotes] == ["newer words", "first words"]
    say(account("Big Co", arr="900000"), theme, "big words", day=2)
    assert [r.account.name for r in high_risk().rows] == ["Risky Co", "Big Co"] and high_risk().total == 2
    feedback_services.untag_by_person(item_ids=[newer.pk], theme=theme, user=people["pm"])
    assert [q.body for q in high_risk().rows[0].quotes] == ["first words"]
    Account.objects.filter(pk=risky.pk).update(churn_risk_score=10)  # re-segmented: no longer at risk
    assert [r.account.name for r in high_risk().rows] == ["Big Co"] and high_risk().total == 1
    Account.objects.filter(name="Big Co").update(owner_csm=people["csm"])  # a new owner shows at once
    assert high_risk().rows[0].account.owner_csm == people["csm"]


def test_affected_account_writes_show_at_once_on_the_board_and_the_kit(make_release, people):
    release = make_release()
    mine = [account(f"Mine {n}", owner=people["csm"]) for n in range(3)]
    release.affected_accounts.set(mine[:2])
    csm = logged_in(people["csm"])
    kit_url = f"/readiness/releases/{release.pk}/kit/"

    def board_count() -> int:
        rows = csm.get("/readiness/").context["rows"]
        return next((row.my_accounts for row in rows if row.release.pk == release.pk), 0)

    def kit_names() -> list[str]:
        return [a.name for a in csm.get(kit_url).context["affected"].page.object_list]

    assert board_count() == 2 and kit_names() == ["Mine 0", "Mine 1"]
    pm = logged_in(people["pm"])
    pm.post(f"/readiness/releases/{release.pk}/accounts/", {"action": "add", "name": "Mine 2"})
    assert board_count() == 3 and kit_names() == ["Mine 0", "Mine 1", "Mine 2"]
    pm.post(f"/readiness/releases/{release.pk}/accounts/", {"action": "remove", "account": mine[0].pk})
    assert board_count() == 2 and kit_names() == ["Mine 1", "Mine 2"]
    Account.objects.filter(pk=mine[1].pk).update(owner_csm=people["csm2"])  # handed to another CSM
    assert board_count() == 1 and kit_names() == ["Mine 2"]
    assert csm.get(kit_url).context["affected"].total == 2
    Account.objects.filter(pk=mine[2].pk).update(name="Renamed")  # names are read fresh
    assert kit_names() == ["Renamed"]
    services.release_refresh_affected_accounts(release=release)  # no feedback on the theme: none left
    assert board_count() == 0 and kit_names() == []
