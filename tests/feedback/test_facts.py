"""The dashboard's figures from the fact tables equal the figures computed straight from the item rows.

Property-style: a seeded random store exercising every filter, many seeded random cuts compared one by one, and the
same after a write through every write path. Each write is also checked against a full rebuild of the fact tables.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction

from feedback import fact_queries, facts, queries, services
from feedback.filters import Cut
from feedback.models import (
    Account,
    FeedbackItem,
    FeedbackTheme,
    Lifecycle,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    TagOrigin,
    Theme,
)
from integrations.records import AccountRef, FeedbackRecord
from integrations.store import delete_items, upsert_feedback
from productops.roles import Role
from tests.feedback.races import race

TODAY = date(2026, 6, 30)
SOURCES = ["zendesk", "salesforce", "gong", "nps", "survey", "manual"]
SEGMENTS = [
    "prospect", "customer", "high_priority_deal", "churn_risk", "expansion", "arr_smb", "arr_mid_market",
    "arr_enterprise", "arr_unknown",
]  # fmt: skip
WORDS = ["report", "export", "slow", "sso", "okta", "billing", "mobile", "invoice"]
QUERIES = ["report", "sso OR okta", "slow -export", '"mobile billing"', "invoice"]


def _when(rng: random.Random) -> datetime:
    return datetime(2026, 6, 30, tzinfo=UTC) - timedelta(days=rng.randrange(0, 420), hours=rng.randrange(24))


@pytest.fixture
def random_store(db, make_user):
    rng = random.Random(15)
    owners = [make_user(f"owner{n}", Role.CSM) for n in range(3)]
    themes = [Theme.objects.create(name=f"Theme {n}", slug=f"theme-{n}") for n in range(5)]
    accounts = []
    for n in range(30):
        accounts.append(
            Account.objects.create(
                name=f"Account {n}",
                salesforce_id=f"001R{n:05d}",
                lifecycle=rng.choice(list(Lifecycle)),
                arr=rng.choice([None, 0, 5_000, 24_999, 25_000, 60_000, 99_999, 100_000, 250_000]),
                churn_risk_score=rng.randrange(0, 101),
                expansion_candidate=rng.random() < 0.2,
                owner_csm=rng.choice([None, *owners]),
            )
        )
    for n in range(20):
        deal = Opportunity.objects.create(
            salesforce_id=f"006R{n:05d}",
            account=rng.choice(accounts),
            name=f"Deal {n}",
            amount=rng.choice([None, 5_000, 49_999, 50_000, 120_000]),
            status=rng.choice(list(OpportunityStatus)),
            opportunity_type=rng.choice(list(OpportunityType)),
            is_priority=rng.random() < 0.2,
        )
        deal.blocking_themes.set(rng.sample(themes, rng.randrange(0, 3)))
    items = []
    for n in range(400):
        source = rng.choice(SOURCES)
        items.append(
            FeedbackItem(
                source=source,
                external_id=f"r{n}",
                account=None if rng.random() < 0.07 else rng.choice(accounts),
                kind="ticket",
                title=" ".join(rng.sample(WORDS, 2)),
                body=" ".join(rng.sample(WORDS, 3)),
                occurred_at=_when(rng),
                nps_score=rng.randrange(0, 11) if source == "nps" else None,
            )
        )
    FeedbackItem.objects.bulk_create(items)
    links = []
    for item in items:
        for theme in rng.sample(themes, rng.choice([0, 1, 1, 2])):
            links.append(
                FeedbackTheme(item=item, theme=theme, origin=TagOrigin.RULE, removed=rng.random() < 0.1)
            )
    FeedbackTheme.objects.bulk_create(links)
    return {"rng": rng, "owners": owners, "themes": themes, "accounts": accounts}


def random_cut(rng: random.Random, store: dict) -> Cut:
    start = end = None
    window = rng.random()
    if window < 0.3:
        start = TODAY - timedelta(days=rng.choice([30, 90, 365]))
    elif window < 0.5:
        start = TODAY - timedelta(days=rng.randrange(0, 420))
        end = start + timedelta(days=rng.randrange(0, 120))
    elif window < 0.55:
        start = TODAY - timedelta(days=1000)  # wider than the store: the all-time rollups answer it
    return Cut(
        segments=tuple(sorted(rng.sample(SEGMENTS, rng.choice([0, 0, 1, 1, 2])))),
        sources=tuple(sorted(rng.sample(SOURCES, rng.choice([0, 0, 1, 2])))),
        theme_id=rng.choice(store["themes"]).pk if rng.random() < 0.25 else None,
        account_id=rng.choice(store["accounts"]).pk if rng.random() < 0.1 else None,
        owner_id=rng.choice(store["owners"]).pk if rng.random() < 0.2 else None,
        start=start,
        end=end,
        q=rng.choice(QUERIES) if rng.random() < 0.2 else "",
    )


def assert_same(cut: Cut) -> dict:
    new = queries.figures(cut, today=TODAY, limit=50)
    old = queries.figures_from_items(cut, today=TODAY, limit=50)
    assert new["summary"] == old["summary"], cut
    assert new["series"] == old["series"], cut
    assert new["themes"] == old["themes"], cut
    assert [(d["pk"], sorted(d["themes"])) for d in new["deals"]] == [
        (d["pk"], sorted(d["themes"])) for d in old["deals"]
    ], cut
    # Biggest first, an unknown amount last (it is not the biggest).
    amounts = [deal["amount"] for deal in new["deals"]]
    assert amounts == sorted(amounts, key=lambda amount: (amount is None, -(amount or 0))), cut
    total = old["summary"]["items"]
    for offset in (0, 25):
        expected = list(
            queries.items_for(cut)
            .order_by("-occurred_at", "-id")
            .values_list("pk", flat=True)[offset : offset + 25]
        )
        # Both plans: as the planner likes, and walking the time index (what a common search word gets).
        assert fact_queries.page_ids(cut, offset=offset, limit=25) == expected, cut
        assert fact_queries.page_ids(cut, offset=offset, limit=25, total=10**9) == expected, cut
    assert total == queries.items_for(cut).count()
    return new


def fact_tables() -> dict[str, set[tuple]]:
    """Every fact table's rows that carry something (zero rows are left behind by moves and mean nothing)."""
    counts = "items, nps_n, nps_sum, detractors, promoters"
    tables = {
        # The set's number is the rebuild's own, so what is compared is the set it stands for.
        "feedback_itemfact": "SELECT f.item_id, f.occurred_at, f.account_id, f.source, f.nps_score, f.theme_ids, "
        "coalesce(s.theme_ids, '{}'), f.document::text "
        "FROM feedback_itemfact f LEFT JOIN feedback_themeset s ON s.id = f.themeset",
        "feedback_accountfact": "SELECT account_id, segbits, owner_id, arr, sources_mask FROM feedback_accountfact",
        "feedback_classfact": f"SELECT source, segbits, owner_id, {counts} FROM feedback_classfact "
        f"WHERE ({counts}) <> (0, 0, 0, 0, 0)",
        "feedback_weekfact": "SELECT week, source, segbits, owner_id, items FROM feedback_weekfact WHERE items <> 0",
        "feedback_themeclassfact": "SELECT theme_id, source, segbits, owner_id, items FROM feedback_themeclassfact "
        "WHERE items <> 0",
        "feedback_accountthemefact": "SELECT account_id, theme_id, sources_mask FROM feedback_accountthemefact",
    }
    facts.flush()
    found = {}
    with connection.cursor() as cursor:
        for table, sql in tables.items():
            cursor.execute(sql)
            found[table] = {
                tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in cursor.fetchall()
            }
    return found


def assert_exact(rng: random.Random, store: dict, cuts: int = 12) -> None:
    """The triggers' tables equal a rebuild from scratch, and random cuts agree with the item rows."""
    for _ in range(cuts):
        assert_same(random_cut(rng, store))
    maintained = fact_tables()
    assert all(row[5] == row[6] for row in maintained["feedback_itemfact"]), "a theme set number is stale"
    facts.rebuild()
    assert fact_tables() == maintained


def test_facts_are_in_use(random_store):
    assert facts.usable()
    assert facts.state()[0]


def test_many_random_cuts_equal_the_item_rows(random_store):
    rng = random.Random(2026)
    cuts = [random_cut(rng, random_store) for _ in range(150)]
    shown = [assert_same(cut) for cut in cuts]
    # Not vacuous: both plans show blocked deals (the item-fact plan finds the candidate deals in its statement).
    with_deals = [cut for cut, figures in zip(cuts, shown, strict=True) if figures["deals"]]
    assert any(fact_queries.use_rollups(cut) for cut in with_deals)
    assert any(not fact_queries.use_rollups(cut) for cut in with_deals)
    assert any(cut.theme_id for cut in with_deals)


def test_every_filter_and_the_all_time_plan_are_exercised(random_store):
    rng = random.Random(2026)
    cuts = [random_cut(rng, random_store) for _ in range(150)]
    assert any(fact_queries.use_rollups(cut) and cut.segments and cut.sources for cut in cuts)
    assert any(fact_queries.use_rollups(cut) and cut.start for cut in cuts)  # a window wider than the store
    for attr in ("segments", "sources", "theme_id", "account_id", "owner_id", "start", "end", "q"):
        assert any(getattr(cut, attr) for cut in cuts), attr


def test_ingest_new_changed_and_deleted_items(random_store):
    rng = random.Random(1)
    accounts = random_store["accounts"]
    records = [
        FeedbackRecord(
            source="zendesk",
            external_id=f"ing{n}",
            kind="ticket",
            occurred_at=_when(rng),
            title="report export",
            body="slow",
            account=AccountRef(salesforce_id=rng.choice(accounts).salesforce_id),
        )
        for n in range(40)
    ]
    upsert_feedback(records)
    assert_exact(rng, random_store)
    # Changed: another account, another day, another source of NPS (a re-sync with new content).
    changed = [
        FeedbackRecord(
            source="zendesk",
            external_id=f"ing{n}",
            kind="ticket",
            occurred_at=_when(rng),
            title="billing",
            account=AccountRef(salesforce_id=rng.choice(accounts).salesforce_id),
        )
        for n in range(0, 40, 2)
    ]
    upsert_feedback(changed)
    assert_exact(rng, random_store)
    # Only the words changed: the search document follows, no count moves.
    reworded = [dataclasses.replace(record, body="invoice mobile billing") for record in records[1::2]]
    upsert_feedback(reworded)
    assert FeedbackItem.objects.filter(fact__document=SearchQuery("invoice", config="english")).count() >= 20
    assert_exact(rng, random_store)
    delete_items("zendesk", [f"ing{n}" for n in range(0, 40, 3)])
    assert_exact(rng, random_store)


def test_manual_feedback_and_rule_tagging(random_store, make_user, eager_celery):
    rng = random.Random(2)
    user = make_user("seller", Role.SALES)
    theme = random_store["themes"][0]
    services.theme_update(theme=theme, user=user, keywords=["invoice"])
    services.item_create_manual(
        account=random_store["accounts"][3], title="invoice please", body="", user=user
    )
    assert_exact(rng, random_store)


def test_tag_untag_merge_and_split(random_store, make_user):
    rng = random.Random(3)
    pm = make_user("pm1", Role.PM)
    themes = random_store["themes"]
    ids = rng.sample(list(FeedbackItem.objects.order_by("pk").values_list("pk", flat=True)), 30)
    services.tag_by_person(item_ids=ids[:20], theme=themes[1], user=pm)
    assert_exact(rng, random_store)
    services.untag_by_person(item_ids=ids[10:30], theme=themes[2], user=pm)
    assert_exact(rng, random_store)
    services.merge_themes(survivor=themes[3], merged=themes[4], user=pm)
    assert_exact(rng, random_store)
    services.move_items(item_ids=ids[:8], source=themes[1], target=themes[0], user=pm)
    assert_exact(rng, random_store)


def test_a_theme_set_is_numbered_once(random_store):
    """Each distinct set of themes has one number, added the first time an item carries it; no theme is 0."""
    themes = random_store["themes"]
    new_set = sorted(theme.pk for theme in themes[:4])
    with connection.cursor() as cursor:
        cursor.execute("SELECT feedback_fact_themeset('{}'), feedback_fact_themeset(NULL)")
        assert cursor.fetchone() == (0, 0)
        cursor.execute("SELECT feedback_fact_themeset(%s::bigint[])", [new_set])
        number = cursor.fetchone()[0]
        cursor.execute(
            "SELECT feedback_fact_themeset(%s::bigint[]), count(*) FROM feedback_themeset", [new_set]
        )
        again, sets = cursor.fetchone()
        cursor.execute("SELECT count(DISTINCT theme_ids) FROM feedback_themeset")
        assert cursor.fetchone()[0] == sets
    assert number > 0 and again == number


def test_account_re_segmentation(random_store):
    rng = random.Random(4)
    accounts = random_store["accounts"]
    Account.objects.filter(pk=accounts[0].pk).update(lifecycle=Lifecycle.CUSTOMER, churn_risk_score=95)
    Account.objects.filter(pk__in=[a.pk for a in accounts[1:6]]).update(arr=Decimal(150_000))
    Account.objects.filter(pk=accounts[6].pk).update(owner_csm=random_store["owners"][1])
    assert_exact(rng, random_store)
    # Deals change segments too: a new big open deal, a lost one, a deleted one.
    Opportunity.objects.create(
        salesforce_id="006NEW", account=accounts[7], name="Big", amount=Decimal(500_000)
    )
    Opportunity.objects.filter(account=accounts[8]).update(status=OpportunityStatus.LOST)
    Opportunity.objects.filter(account=accounts[9]).delete()
    assert_exact(rng, random_store)
    # An account deleted: its items lose their account (SET NULL) and count as items without one.
    accounts[10].delete()
    assert_exact(rng, random_store)


def test_thresholds_changed_fall_back_to_the_item_rows_until_rebuilt(random_store, settings):
    settings.CHURN_RISK_SCORE_THRESHOLD = 50
    assert not facts.usable()
    cut = Cut(segments=("churn_risk",))
    # The dashboard computes from the item rows meanwhile: still exact.
    assert queries.dashboard(cut)["summary"] == queries.summary(cut)
    facts.rebuild()
    assert facts.usable()
    assert_same(cut)


@pytest.mark.django_db(transaction=True)
def test_parallel_sync_writers_commit_their_facts_in_order():
    """Two writer threads store pages side by side and commit in page order (integrations.pipeline); the facts
    each page changes are applied at its commit, so a later page never holds rows an earlier one waits for."""
    from integrations.pipeline import OrderedWriter
    from integrations.store import RunCache, prepare_feedback, write_feedback

    rng = random.Random(5)
    accounts = [
        Account.objects.create(name=f"P{n}", salesforce_id=f"001P{n:05d}", arr=Decimal(n * 10_000))
        for n in range(5)
    ]
    cache = RunCache()
    writer = OrderedWriter(workers=2)

    def write(prepared, wait_turn):
        with transaction.atomic():
            write_feedback(prepared)
            wait_turn()

    try:
        for page in range(8):
            records = [
                FeedbackRecord(
                    source=rng.choice(SOURCES),
                    external_id=f"par{page}-{n}",
                    kind="ticket",
                    occurred_at=_when(rng),
                    title="report",
                    account=AccountRef(salesforce_id=rng.choice(accounts).salesforce_id),
                )
                for n in range(60)
            ]
            prepared = prepare_feedback(records, cache=cache)
            writer.submit(lambda wait_turn, p=prepared: write(p, wait_turn))
    finally:
        writer.close()
    # Committed by other connections: this one has nothing pending, and the facts already hold every page.
    maintained = fact_tables()
    assert sum(row[3] for row in maintained["feedback_classfact"]) == 480
    facts.rebuild()
    assert fact_tables() == maintained


@pytest.mark.django_db(transaction=True)
def test_two_writers_adding_the_same_new_theme_set_get_one_number():
    """The sync's two writer threads can tag items with a set of themes neither has seen: the second waits for the
    first's commit and takes its number (a NULL here would fail the second page on the NOT NULL column)."""
    themes = sorted(Theme.objects.create(name=f"Set theme {n}", slug=f"set-{n}").pk for n in range(3))
    numbers = {}

    def number(side: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT feedback_fact_themeset(%s::bigint[])", [themes])
            numbers[side] = cursor.fetchone()[0]

    outcome = race(lambda: number("first"), lambda: number("second"), check_first=False)
    assert outcome == {"first": None, "second": None}
    assert numbers["first"] and numbers["second"] == numbers["first"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM feedback_themeset WHERE theme_ids = %s::bigint[]", [themes])
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["new items", "changed item", "tagged item"])
def test_a_page_re_segmenting_an_account_and_one_writing_its_items_both_commit_exact(change):
    """A CRM page re-segments an account (its fact row is rewritten before the page commits) while another sync's
    page writes that account's items (new ones, one from a new source; a changed one; a tagged one) and counts an
    item in a class the CRM page also counts in. Both commit, and every item counts under the account's new class.
    They deadlocked when the second page's commit locked the class row and then waited for the account's row; and
    the second page's items counted under the class it had looked up, which the account had left."""
    moving = Account.objects.create(name="Moving", lifecycle=Lifecycle.CUSTOMER, arr=Decimal(10_000))
    shared = Account.objects.create(name="Shared", lifecycle=Lifecycle.CUSTOMER, arr=Decimal(50_000))
    theme = Theme.objects.create(name="Race theme", slug="race-theme")
    when = datetime(2026, 6, 1, tzinfo=UTC)

    def item(external_id: str, source: str, account: Account) -> FeedbackItem:
        return FeedbackItem.objects.create(
            source=source, external_id=external_id, kind="ticket", occurred_at=when, account=account
        )

    item("before", "zendesk", shared)  # the class row both pages add to exists
    earlier = item("earlier", "zendesk", moving)

    def crm_page() -> None:
        Account.objects.filter(pk=moving.pk).update(arr=Decimal(2_000_000))
        item("crm", "zendesk", shared)

    def ticket_page() -> None:
        item("ticket", "zendesk", shared)
        if change == "new items":
            item("call", "gong", moving)
        elif change == "changed item":
            FeedbackItem.objects.filter(pk=earlier.pk).update(
                source="gong", occurred_at=when + timedelta(days=30)
            )
        else:
            FeedbackTheme.objects.create(item=earlier, theme=theme, origin=TagOrigin.PERSON)

    assert race(crm_page, ticket_page, check_first=False) == {"first": None, "second": None}
    maintained = fact_tables()
    assert sum(row[3] for row in maintained["feedback_classfact"]) == FeedbackItem.objects.count()
    facts.rebuild()
    assert fact_tables() == maintained
