"""The SQL that keeps the dashboard's fact tables exact: functions and statement-level triggers.

Why triggers: every write to the store (the ingest COPY and its staged upsert, manual feedback, tagging by rule and
by person, merges and splits, account and deal changes from the CRM, deletions, the admin, seeding) changes the
figures, and a trigger runs inside the writer's own transaction whatever code path wrote. Statement-level triggers
with transition tables do the work once per statement, set-based, so a COPY of 1,000 items costs one grouped
INSERT … ON CONFLICT per fact table, not 1,000 row triggers.

Segment membership is computed here as a bitmask with the thresholds stored in feedback_factconfig (written from
settings by feedback.facts.rebuild); bit order is feedback.facts.segment_bit. Every upsert groups and sorts its keys,
and every write to the shared rollups happens under one transaction-level lock (feedback_fact_lock_rollups).
"""

from __future__ import annotations

CONFIG_TABLE = """
CREATE TABLE IF NOT EXISTS feedback_factpending (txid bigint NOT NULL);
-- Deltas a transaction has not applied yet (kind 1 class, 2 week, 3 theme, 4 marks, 5 accounts to re-mark; the
-- items' own as 11 counts and 13 themes per account, classed at flush: feedback_fact_resolve) and the
-- references it made or removed, checked at flush (in refs: 6 accounts and 7 deals that items it wrote point at,
-- 8 accounts and 9 deals it deleted): only ever read and deleted by the transaction that wrote them, so unlogged (a
-- crash aborts that transaction anyway).
CREATE UNLOGGED TABLE IF NOT EXISTS feedback_factdelta (
    txid bigint NOT NULL, kind smallint NOT NULL, week date, source text, segbits integer, owner_id bigint,
    theme_id bigint, account_id bigint, items integer, nps_n integer, nps_sum integer, detractors integer,
    promoters integer, bits integer, refs bigint[]
);
CREATE INDEX IF NOT EXISTS feedback_factdelta_txid ON feedback_factdelta (txid, kind);
CREATE TABLE IF NOT EXISTS feedback_factconfig (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    hpd_amount numeric NOT NULL,
    churn_threshold integer NOT NULL,
    tier_lows numeric[] NOT NULL,
    tz text NOT NULL
);
"""

_COUNTS = """
    sign * count(*), sign * count(f.nps_score), sign * coalesce(sum(f.nps_score), 0),
    sign * count(*) FILTER (WHERE f.nps_score <= 6), sign * count(*) FILTER (WHERE f.nps_score >= 9)
"""
_ADD = """items = {t}.items + EXCLUDED.items, nps_n = {t}.nps_n + EXCLUDED.nps_n,
    nps_sum = {t}.nps_sum + EXCLUDED.nps_sum, detractors = {t}.detractors + EXCLUDED.detractors,
    promoters = {t}.promoters + EXCLUDED.promoters"""
_COLS = "items, nps_n, nps_sum, detractors, promoters"
_CLASS = "coalesce(a.segbits, -1), coalesce(a.owner_id, 0)"
_WEEK = "f.week"
# An item's week (its Monday in TIME_ZONE), stored so no read computes it per row.
_ITEM_WEEK = (
    "date_trunc('week', timezone((SELECT tz FROM feedback_factconfig WHERE id = 1), {t}.occurred_at))::date"
)


# An item's full-text document: title weighted above body, English stemming (what search_query() asks with).
_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce({t}.body, '')), 'B')"
)

_DELTA = "INSERT INTO feedback_factdelta (txid, kind, week, source, segbits, owner_id, theme_id, account_id, {cols})"


def _class_counts(
    where: str,
    join: str = "LEFT JOIN",
    sign: str = "sign",
    into: str = "pending",
    rows: str = "feedback_itemfact f",
    week: str = _WEEK,
) -> str:
    """The class-level rollup rows (class and week) of the items selected by `where` (from `rows` aliased f):
    appended to this transaction's pending deltas, or (`into="facts"`, a rebuild of empty tables) written straight."""
    counts = _COUNTS.replace("sign", sign)
    if into == "pending":
        class_insert = _DELTA.format(cols=_COLS) + " SELECT txid_current(), 1, NULL, "
        week_insert = _DELTA.format(cols="items") + " SELECT txid_current(), 2, "
        class_tail = ", NULL, NULL, "
        week_tail = ", NULL, NULL, "
        class_keys, week_keys = "4, 5, 6", "3, 4, 5, 6"
    else:
        class_insert = f"INSERT INTO feedback_classfact (source, segbits, owner_id, {_COLS}) SELECT "
        week_insert = "INSERT INTO feedback_weekfact (week, source, segbits, owner_id, items) SELECT "
        class_tail = week_tail = ", "
        class_keys, week_keys = "1, 2, 3", "1, 2, 3, 4"
    return f"""
    {class_insert} f.source, {_CLASS}{class_tail}{counts}
    FROM {rows} {join} feedback_accountfact a ON a.account_id = f.account_id
    WHERE {where} GROUP BY {class_keys};

    {week_insert} {week}, f.source, {_CLASS}{week_tail}{sign} * count(*)
    FROM {rows} {join} feedback_accountfact a ON a.account_id = f.account_id
    WHERE {where} GROUP BY {week_keys};
    """


# The counts of items (kind 11: per account, week and source) and their themes (kind 13: per account, theme and
# source), appended to the pending deltas by account, not by the account's class: the class is looked up at flush
# (feedback_fact_resolve), under the rollups' lock, when no other transaction can still re-segment the account.
_ACCOUNT_COUNTS = f"""
    {_DELTA.format(cols=_COLS)} SELECT txid_current(), 11, f.week, f.source, NULL, NULL, NULL, f.account_id,
        {_COUNTS}
    FROM feedback_itemfact f WHERE f.item_id = ANY(ids) GROUP BY 3, 4, 8;
"""
_ACCOUNT_THEMES = f"""
    {_DELTA.format(cols="items")} SELECT txid_current(), 13, NULL, f.source, NULL, NULL, th.theme_id, f.account_id,
        sign * count(*)
    FROM feedback_itemfact f CROSS JOIN unnest(f.theme_ids) AS th(theme_id) WHERE f.item_id = ANY(ids)
    GROUP BY 4, 7, 8;
"""


# This transaction's pending deltas by class (`d`): the class-level ones as noted, the items' per-account ones
# (kinds 11 and 13) classed by their accounts' classes now. One probe of the key per row (OFFSET 0 keeps it one): the
# planner, which expects one pending row, once compared every row with every account instead (70 ms for a 1,000-item
# page, against about 1 ms).
_CLASSED = """
    d AS MATERIALIZED (
        SELECT d.kind, d.week, d.source, d.theme_id,
            CASE WHEN d.kind > 10 THEN coalesce(a.segbits, -1) ELSE d.segbits END AS segbits,
            CASE WHEN d.kind > 10 THEN coalesce(a.owner_id, 0) ELSE d.owner_id END AS owner_id,
            d.items, d.nps_n, d.nps_sum, d.detractors, d.promoters
        FROM feedback_factdelta d
        LEFT JOIN LATERAL (
            SELECT x.segbits, x.owner_id FROM feedback_accountfact x
            WHERE d.kind > 10 AND x.account_id = d.account_id OFFSET 0
        ) a ON TRUE
        WHERE d.txid = tx AND d.kind IN (1, 2, 3, 11, 13)
    )"""


def _theme_counts(where: str, join: str = "LEFT JOIN", sign: str = "sign", into: str = "pending") -> str:
    if into == "pending":
        head = _DELTA.format(cols="items") + " SELECT txid_current(), 3, NULL, f.source, "
        tail = ", th.theme_id, NULL, "
        keys = "4, 5, 6, 7"
    else:
        head = "INSERT INTO feedback_themeclassfact (theme_id, source, segbits, owner_id, items) SELECT th.theme_id, f.source, "
        tail = ", "
        keys = "1, 2, 3, 4"
    return f"""
    {head}{_CLASS}{tail}{sign} * count(*)
    FROM feedback_itemfact f CROSS JOIN unnest(f.theme_ids) AS th(theme_id)
    {join} feedback_accountfact a ON a.account_id = f.account_id
    WHERE {where} GROUP BY {keys};
    """


FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION feedback_fact_source_bit(source text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE source WHEN 'salesforce' THEN 1 WHEN 'zendesk' THEN 2 WHEN 'gong' THEN 4 WHEN 'nps' THEN 8
        WHEN 'survey' THEN 16 WHEN 'manual' THEN 32 ELSE 64 END
$$;

-- The number of a set of themes (sorted): 0 for none; a set seen for the first time is added. Called once per
-- distinct set a statement writes. When another transaction adds the same set meanwhile, ON CONFLICT waits for it
-- and the second look (a new snapshot: this function is volatile) finds its row.
CREATE OR REPLACE FUNCTION feedback_fact_themeset(themes bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    found integer;
BEGIN
    IF coalesce(cardinality(themes), 0) = 0 THEN
        RETURN 0;
    END IF;
    SELECT id INTO found FROM feedback_themeset WHERE theme_ids = themes;
    IF found IS NULL THEN
        INSERT INTO feedback_themeset (theme_ids) VALUES (themes) ON CONFLICT (theme_ids) DO NOTHING
        RETURNING id INTO found;
    END IF;
    IF found IS NULL THEN
        SELECT id INTO found FROM feedback_themeset WHERE theme_ids = themes;
    END IF;
    RETURN found;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_segbits(ids bigint[])
RETURNS TABLE (account_id bigint, segbits integer, owner_id bigint, arr numeric) LANGUAGE sql STABLE AS $$
    SELECT a.id,
        (CASE WHEN a.lifecycle = 'prospect' THEN 1 ELSE 0 END)
        | (CASE WHEN a.lifecycle = 'customer' THEN 2 ELSE 0 END)
        | (CASE WHEN EXISTS (SELECT 1 FROM feedback_opportunity o WHERE o.account_id = a.id AND o.status = 'open'
                AND (o.amount >= c.hpd_amount OR o.is_priority)) THEN 4 ELSE 0 END)
        | (CASE WHEN a.lifecycle = 'customer' AND a.churn_risk_score >= c.churn_threshold THEN 8 ELSE 0 END)
        | (CASE WHEN a.expansion_candidate OR EXISTS (SELECT 1 FROM feedback_opportunity o WHERE o.account_id = a.id
                AND o.status = 'open' AND o.opportunity_type = 'expansion') THEN 16 ELSE 0 END)
        | coalesce((SELECT bit_or(32 << (t.i - 1)::integer) FROM unnest(c.tier_lows) WITH ORDINALITY AS t(low, i)
                WHERE a.arr >= t.low AND (t.i = cardinality(c.tier_lows) OR a.arr < c.tier_lows[t.i + 1])), 0)
        | (CASE WHEN a.arr IS NULL THEN 32 << cardinality(c.tier_lows) ELSE 0 END),
        coalesce(a.owner_csm_id, 0), a.arr
    FROM feedback_account a CROSS JOIN feedback_factconfig c
    WHERE a.id = ANY(ids)
$$;

-- The shared rollup rows (and the account rows among them that re-segmentation rewrites mid-transaction) are
-- written only under this lock, held to the end of the transaction: by the flush, and by the account triggers
-- that write feedback_accountfact before their transaction commits. Ordering each table's keys is not enough once
-- one transaction locks account rows mid-transaction and another locks class rows first at commit: a Salesforce
-- page re-segmenting an account and a Zendesk page giving that account its first ticket deadlocked in `make run`.
-- It is taken mid-transaction only by account and deal writes, which a sync stores on its own (pages that write
-- them wait for the pages before them and hold back the next), and otherwise at commit, after a sync's page has
-- waited for the previous page: no page waits for a page that waits for it. Under it, too, the flush classes the
-- items' deltas by their accounts' classes (feedback_fact_resolve), which no other transaction can change meanwhile.
CREATE OR REPLACE FUNCTION feedback_fact_lock_rollups() RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1718, 1)  -- (1718, 1): two-key space, apart from the syncs' single-key locks
$$;

-- This transaction's pending deltas of the shared rollups. Concurrent writers (the sync's writer threads store
-- pages side by side and commit them in order) would otherwise lock the same class rows in whatever order their
-- statements end, and a later page holding a row the earlier page needs, while waiting for that page to commit,
-- is a deadlock no database can see. So statements only append deltas here; feedback_fact_flush() applies them
-- at commit (a deferred constraint trigger), or before this transaction reads its own figures.
CREATE OR REPLACE FUNCTION feedback_fact_pending_init() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('feedback.fact_pending', true) = 'on' THEN
        RETURN;
    END IF;
    PERFORM set_config('feedback.fact_pending', 'on', true);
    INSERT INTO feedback_factpending (txid) VALUES (txid_current());
END $$;

-- Add (sign 1) or take away (sign -1) these items' counts, as they stand in feedback_itemfact. Adding also marks
-- their accounts' sources; taking away leaves the marks to be recomputed (feedback_fact_remask) at flush.
CREATE OR REPLACE FUNCTION feedback_fact_add_counts(ids bigint[], sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM feedback_fact_pending_init();
    {_ACCOUNT_COUNTS}
    IF sign > 0 THEN
        {_DELTA.format(cols="bits")}
        SELECT txid_current(), 4, NULL, NULL, NULL, NULL, 0, f.account_id, bit_or(feedback_fact_source_bit(f.source))
        FROM feedback_itemfact f WHERE f.item_id = ANY(ids) AND f.account_id IS NOT NULL GROUP BY f.account_id;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_add_themes(ids bigint[], sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM feedback_fact_pending_init();
    {_ACCOUNT_THEMES}
    IF sign > 0 THEN
        {_DELTA.format(cols="bits")}
        SELECT txid_current(), 4, NULL, NULL, NULL, NULL, th.theme_id, f.account_id,
            bit_or(feedback_fact_source_bit(f.source))
        FROM feedback_itemfact f CROSS JOIN unnest(f.theme_ids) AS th(theme_id)
        WHERE f.item_id = ANY(ids) AND f.account_id IS NOT NULL GROUP BY f.account_id, th.theme_id;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_remask(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 0 THEN
        PERFORM feedback_fact_pending_init();
        INSERT INTO feedback_factdelta (txid, kind, account_id) SELECT txid_current(), 5, unnest(ids);
    END IF;
END $$;

-- Every item of these accounts, counted under the accounts' class as it stands in feedback_accountfact (by class:
-- re-segmentation moves counts between the classes before and after, under the rollups' lock).
CREATE OR REPLACE FUNCTION feedback_fact_add_accounts(ids bigint[], sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM feedback_fact_pending_init();
    {_class_counts("f.account_id = ANY(ids)", join="JOIN")}
    {_theme_counts("f.account_id = ANY(ids)", join="JOIN")}
END $$;

-- Class this transaction's item deltas noted per account (kinds 11 and 13) by their accounts' classes now: before
-- this transaction re-segments or deletes accounts (the flush classes them itself), under the rollups' lock. A class looked up
-- when the items were written could be changed by another transaction's re-segmentation before this one commits,
-- which would count the items under a class their account left (the re-segmentation moves only the items it sees).
CREATE OR REPLACE FUNCTION feedback_fact_resolve(tx bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH {_CLASSED}
    {_DELTA.format(cols=_COLS)}
    SELECT tx, 1, NULL::date, source, segbits, owner_id, NULL::bigint, NULL::bigint, items, nps_n, nps_sum,
        detractors, promoters
    FROM d WHERE kind = 11
    UNION ALL
    SELECT tx, 2, week, source, segbits, owner_id, NULL, NULL, items, NULL, NULL, NULL, NULL FROM d WHERE kind = 11
    UNION ALL
    SELECT tx, 3, NULL, source, segbits, owner_id, theme_id, NULL, items, NULL, NULL, NULL, NULL FROM d WHERE kind = 13;
    DELETE FROM feedback_factdelta WHERE txid = tx AND kind IN (11, 13);
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_resolve_pending() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('feedback.fact_pending', true) = 'on' THEN
        PERFORM feedback_fact_resolve(txid_current());
    END IF;
END $$;

-- Items' references to accounts and deals, checked as deferred foreign keys check them, but set-based and once per
-- transaction (per-row foreign keys cost about 8 ms per 1,000 ingested items, README "Speed"). Statements only note
-- what they referenced or deleted (feedback_fact_note_refs); the flush checks it under the rollups' lock
-- (feedback_fact_lock_rollups), so that no transaction can commit an item pointing at a row another one deletes: of
-- a transaction that wrote references and one that deleted accounts or deals, whichever checks second sees what the
-- first committed (each statement of a READ COMMITTED transaction takes a new snapshot; the portal writes at no other
-- isolation level), a referenced row gone or an item pointing at a deleted one. The one lock stands in for a row lock
-- per referenced row: those cost half of the per-row checks.
CREATE OR REPLACE FUNCTION feedback_fact_note_refs(kind integer, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 0 THEN
        PERFORM feedback_fact_pending_init();
        INSERT INTO feedback_factdelta (txid, kind, refs) VALUES (txid_current(), kind, ids);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_check_refs(tx bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    found bigint;
    bad bigint;
    ref record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM feedback_factdelta WHERE txid = tx AND kind IN (6, 7, 8, 9)) THEN
        RETURN;
    END IF;
    FOR ref IN SELECT * FROM (VALUES (6, 8, 'feedback_account', 'account_id'),
                                     (7, 9, 'feedback_opportunity', 'opportunity_id')) AS r(made, gone, tbl, col) LOOP
        ids := ARRAY(SELECT DISTINCT r FROM feedback_factdelta d CROSS JOIN unnest(d.refs) AS r
                     WHERE d.txid = tx AND d.kind = ref.made);
        bad := NULL;
        IF cardinality(ids) > 0 THEN
            -- Counted through the key index first (probing it per id, or hashing the table, costs more).
            EXECUTE format('SELECT count(*) FROM %I WHERE id = ANY($1)', ref.tbl) INTO found USING ids;
            IF found < cardinality(ids) THEN
                -- Missing, and still pointed at: an item that pointed at it may have been changed or deleted since.
                EXECUTE format('SELECT min(w) FROM unnest($1) AS w WHERE NOT EXISTS (SELECT FROM %I x WHERE x.id = w) '
                               'AND EXISTS (SELECT FROM feedback_feedbackitem i WHERE i.%I = w)', ref.tbl, ref.col)
                    INTO bad USING ids;
            END IF;
            IF bad IS NOT NULL THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "feedback_feedbackitem" violates foreign key "%s"',
                                     ref.col),
                    DETAIL = format('Key (%s)=(%s) is not present in table "%s".', ref.col, bad, ref.tbl);
            END IF;
        END IF;
        ids := ARRAY(SELECT DISTINCT r FROM feedback_factdelta d CROSS JOIN unnest(d.refs) AS r
                     WHERE d.txid = tx AND d.kind = ref.gone);
        IF cardinality(ids) > 0 THEN
            EXECUTE format('SELECT %I FROM feedback_feedbackitem WHERE %I = ANY($1) LIMIT 1', ref.col, ref.col)
                INTO bad USING ids;
            IF bad IS NOT NULL THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('update or delete on table "%s" violates foreign key "%s" on table '
                                     '"feedback_feedbackitem"', ref.tbl, ref.col),
                    DETAIL = format('Key (id)=(%s) is still referenced from table "feedback_feedbackitem".', bad);
            END IF;
        END IF;
    END LOOP;
END $$;

-- Apply this transaction's pending deltas to the shared rollups, each table's keys in order.
CREATE OR REPLACE FUNCTION feedback_fact_flush() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    tx bigint;
    again bigint[];
BEGIN
    IF current_setting('feedback.fact_pending', true) IS DISTINCT FROM 'on' THEN
        RETURN;
    END IF;
    tx := txid_current();
    PERFORM feedback_fact_lock_rollups();
    PERFORM feedback_fact_check_refs(tx);
    -- The deltas classed once, then added to the three class-level rollups (kind 11 counts in both the first two).
    WITH {_CLASSED},
    classes AS (
        INSERT INTO feedback_classfact AS t (source, segbits, owner_id, {_COLS})
        SELECT source, segbits, owner_id, sum(items), sum(nps_n), sum(nps_sum), sum(detractors), sum(promoters)
        FROM d WHERE kind IN (1, 11) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (source, segbits, owner_id) DO UPDATE SET {_ADD.format(t="t")}
    ),
    weeks AS (
        INSERT INTO feedback_weekfact AS t (week, source, segbits, owner_id, items)
        SELECT week, source, segbits, owner_id, sum(items) FROM d WHERE kind IN (2, 11)
        GROUP BY 1, 2, 3, 4 HAVING sum(items) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (week, source, segbits, owner_id) DO UPDATE SET items = t.items + EXCLUDED.items
    )
    INSERT INTO feedback_themeclassfact AS t (theme_id, source, segbits, owner_id, items)
    SELECT theme_id, source, segbits, owner_id, sum(items) FROM d WHERE kind IN (3, 13)
    GROUP BY 1, 2, 3, 4 HAVING sum(items) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (theme_id, source, segbits, owner_id) DO UPDATE SET items = t.items + EXCLUDED.items;
    -- Marks only grow here (rows locked in key order, and only those that change); recomputing follows.
    PERFORM 1 FROM feedback_accountfact a
    JOIN (SELECT account_id, bit_or(bits) AS bits FROM feedback_factdelta WHERE txid = tx AND kind = 4
          AND theme_id = 0 GROUP BY 1) m USING (account_id)
    WHERE a.sources_mask | m.bits <> a.sources_mask ORDER BY a.account_id FOR UPDATE OF a;
    UPDATE feedback_accountfact a SET sources_mask = a.sources_mask | m.bits
    FROM (SELECT account_id, bit_or(bits) AS bits FROM feedback_factdelta WHERE txid = tx AND kind = 4
          AND theme_id = 0 GROUP BY 1) m
    WHERE a.account_id = m.account_id AND a.sources_mask | m.bits <> a.sources_mask;
    INSERT INTO feedback_accountthemefact AS t (account_id, theme_id, sources_mask)
    SELECT m.account_id, m.theme_id, m.bits
    FROM (SELECT account_id, theme_id, bit_or(bits) AS bits FROM feedback_factdelta WHERE txid = tx AND kind = 4
          AND theme_id <> 0 GROUP BY 1, 2) m
    WHERE NOT EXISTS (SELECT 1 FROM feedback_accountthemefact x WHERE x.account_id = m.account_id
                      AND x.theme_id = m.theme_id AND x.sources_mask | m.bits = x.sources_mask)
    ORDER BY 1, 2
    ON CONFLICT (account_id, theme_id) DO UPDATE SET sources_mask = t.sources_mask | EXCLUDED.sources_mask;
    again := ARRAY(SELECT DISTINCT account_id FROM feedback_factdelta WHERE txid = tx AND kind = 5 ORDER BY 1);
    IF cardinality(again) > 0 THEN
        PERFORM 1 FROM feedback_accountfact WHERE account_id = ANY(again) ORDER BY account_id FOR UPDATE;
        UPDATE feedback_accountfact a SET sources_mask = coalesce(m.bits, 0)
        FROM (SELECT x.id, (SELECT bit_or(feedback_fact_source_bit(f.source)) FROM feedback_itemfact f
                            WHERE f.account_id = x.id) AS bits
              FROM unnest(again) AS x(id)) m
        WHERE a.account_id = m.id AND a.sources_mask <> coalesce(m.bits, 0);
        DELETE FROM feedback_accountthemefact WHERE account_id = ANY(again);
        INSERT INTO feedback_accountthemefact (account_id, theme_id, sources_mask)
        SELECT f.account_id, th.theme_id, bit_or(feedback_fact_source_bit(f.source))
        FROM feedback_itemfact f CROSS JOIN unnest(f.theme_ids) AS th(theme_id)
        WHERE f.account_id = ANY(again) GROUP BY 1, 2 ORDER BY 1, 2;
    END IF;
    DELETE FROM feedback_factdelta WHERE txid = tx;
    DELETE FROM feedback_factpending WHERE txid = tx;
    PERFORM set_config('feedback.fact_pending', 'off', true);
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_flush_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM feedback_fact_flush();
    RETURN NULL;
END $$;

-- Re-segment accounts: those whose class changed move their items' counts from the old class to the new.
CREATE OR REPLACE FUNCTION feedback_fact_refresh_accounts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    moved bigint[];
BEGIN
    PERFORM feedback_fact_lock_rollups();
    PERFORM feedback_fact_resolve_pending();
    moved := ARRAY(
        SELECT n.account_id FROM feedback_fact_segbits(ids) n JOIN feedback_accountfact a USING (account_id)
        WHERE (n.segbits, n.owner_id) IS DISTINCT FROM (a.segbits, a.owner_id) ORDER BY 1
    );
    IF cardinality(moved) > 0 THEN
        PERFORM feedback_fact_add_accounts(moved, -1);
    END IF;
    INSERT INTO feedback_accountfact AS a (account_id, segbits, owner_id, arr)
    SELECT * FROM feedback_fact_segbits(ids) ORDER BY 1
    ON CONFLICT (account_id) DO UPDATE SET segbits = EXCLUDED.segbits, owner_id = EXCLUDED.owner_id, arr = EXCLUDED.arr
    WHERE (a.segbits, a.owner_id, a.arr) IS DISTINCT FROM (EXCLUDED.segbits, EXCLUDED.owner_id, EXCLUDED.arr);
    IF cardinality(moved) > 0 THEN
        PERFORM feedback_fact_add_accounts(moved, 1);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO feedback_itemfact (item_id, occurred_at, week, account_id, source, nps_score, theme_ids, document)
    SELECT id, occurred_at, {_ITEM_WEEK.format(t="new_rows")}, account_id, source, nps_score, '{{}}',
        {_DOCUMENT.format(t="new_rows")}
    FROM new_rows;
    -- New items have no themes yet: their deltas come straight from the transition table, per account (classed at
    -- flush). The page's accounts' source marks are looked up by key, so only new marks are noted: the planner
    -- knows nothing of the transition table and would hash all of feedback_accountfact (11 ms per page at 21,000
    -- accounts, growing with them, against 3 ms).
    PERFORM feedback_fact_pending_init();
    WITH page_accounts AS MATERIALIZED (
        SELECT DISTINCT account_id FROM new_rows WHERE account_id IS NOT NULL
    ),
    a AS MATERIALIZED (
        SELECT account_id, sources_mask FROM feedback_accountfact
        WHERE account_id = ANY(ARRAY(SELECT account_id FROM page_accounts))
    ),
    refs AS (  -- checked at flush (feedback_fact_check_refs)
        INSERT INTO feedback_factdelta (txid, kind, refs)
        SELECT txid_current(), 6, ARRAY(SELECT account_id FROM page_accounts) WHERE EXISTS (SELECT FROM page_accounts)
        UNION ALL
        SELECT txid_current(), 7, array_agg(DISTINCT opportunity_id) FROM new_rows WHERE opportunity_id IS NOT NULL
        HAVING count(*) > 0
    ),
    x AS MATERIALIZED (
        SELECT f.account_id, f.source, f.nps_score, {_ITEM_WEEK.format(t="f")} AS week, a.sources_mask
        FROM new_rows f LEFT JOIN a ON a.account_id = f.account_id
    ),
    by_account AS (
        {_DELTA.format(cols=_COLS)}
        SELECT txid_current(), 11, week, source, NULL, NULL, NULL, account_id,
            {_COUNTS.replace("sign", "1").replace("f.", "")}
        FROM x GROUP BY week, source, account_id
    )
    {_DELTA.format(cols="bits")}
    SELECT txid_current(), 4, NULL, NULL, NULL, NULL, 0, account_id, bit_or(feedback_fact_source_bit(source))
    FROM x WHERE account_id IS NOT NULL GROUP BY account_id, sources_mask
    HAVING bit_or(feedback_fact_source_bit(source)) & ~sources_mask <> 0;
    INSERT INTO feedback_factchange (relation, n) VALUES ('items', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    texts bigint[];
    left_accounts bigint[];
BEGIN
    ids := ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.occurred_at, n.account_id, n.source, n.nps_score)
            IS DISTINCT FROM (o.occurred_at, o.account_id, o.source, o.nps_score)
    );
    texts := ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.title, n.body) IS DISTINCT FROM (o.title, o.body)
    );
    PERFORM feedback_fact_note_refs(6, ARRAY(
        SELECT DISTINCT n.account_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.account_id IS NOT NULL AND n.account_id IS DISTINCT FROM o.account_id
    ));
    PERFORM feedback_fact_note_refs(7, ARRAY(
        SELECT DISTINCT n.opportunity_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.opportunity_id IS NOT NULL AND n.opportunity_id IS DISTINCT FROM o.opportunity_id
    ));
    -- A changed title or body changes only the document: no counts move.
    UPDATE feedback_itemfact f SET document = {_DOCUMENT.format(t="n")}
    FROM new_rows n WHERE f.item_id = n.id AND n.id = ANY(texts) AND NOT n.id = ANY(ids);
    IF cardinality(ids) > 0 THEN
        left_accounts := ARRAY(
            SELECT DISTINCT o.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.account_id IS NOT NULL AND (n.account_id, n.source) IS DISTINCT FROM (o.account_id, o.source)
            ORDER BY 1
        );
        PERFORM feedback_fact_add_counts(ids, -1);
        PERFORM feedback_fact_add_themes(ids, -1);
        UPDATE feedback_itemfact f
        SET occurred_at = n.occurred_at, week = {_ITEM_WEEK.format(t="n")}, account_id = n.account_id,
            source = n.source, nps_score = n.nps_score,
            document = CASE WHEN n.id = ANY(texts) THEN {_DOCUMENT.format(t="n")} ELSE f.document END
        FROM new_rows n WHERE f.item_id = n.id AND n.id = ANY(ids);
        PERFORM feedback_fact_add_counts(ids, 1);
        PERFORM feedback_fact_add_themes(ids, 1);
        PERFORM feedback_fact_remask(left_accounts);
    END IF;
    -- Any change counts: a changed title or body changes what a search finds.
    INSERT INTO feedback_factchange (relation, n) VALUES ('items', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_items_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT id FROM old_rows);
    PERFORM feedback_fact_add_counts(ids, -1);
    PERFORM feedback_fact_add_themes(ids, -1);
    DELETE FROM feedback_itemfact WHERE item_id = ANY(ids);
    PERFORM feedback_fact_remask(ARRAY(SELECT DISTINCT account_id FROM old_rows WHERE account_id IS NOT NULL ORDER BY 1));
    INSERT INTO feedback_factchange (relation, n) VALUES ('items', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT item_id FROM new_rows ORDER BY 1);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT item_id FROM old_rows ORDER BY 1);
    ELSE
        ids := ARRAY(SELECT item_id FROM new_rows UNION SELECT item_id FROM old_rows ORDER BY 1);
    END IF;
    PERFORM feedback_fact_add_themes(ids, -1);
    WITH l AS MATERIALIZED (
        SELECT i.id, coalesce((SELECT array_agg(ft.theme_id ORDER BY ft.theme_id) FROM feedback_feedbacktheme ft
                               WHERE ft.item_id = i.id AND NOT ft.removed), '{{}}') AS themes
        FROM unnest(ids) AS i(id)
    ),
    s AS MATERIALIZED (  -- numbered once per distinct set, not per item
        SELECT d.themes, feedback_fact_themeset(d.themes) AS id FROM (SELECT DISTINCT themes FROM l) d
    )
    UPDATE feedback_itemfact f SET theme_ids = l.themes, themeset = s.id
    FROM l JOIN s ON s.themes = l.themes
    WHERE f.item_id = l.id AND f.theme_ids IS DISTINCT FROM l.themes;
    PERFORM feedback_fact_add_themes(ids, 1);
    IF TG_OP <> 'INSERT' THEN
        PERFORM feedback_fact_remask(ARRAY(
            SELECT DISTINCT account_id FROM feedback_itemfact WHERE item_id = ANY(ids) AND account_id IS NOT NULL
            ORDER BY 1
        ));
    END IF;
    INSERT INTO feedback_factchange (relation, n) VALUES ('links', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO feedback_accountfact (account_id, segbits, owner_id, arr)
        SELECT * FROM feedback_fact_segbits(ARRAY(SELECT id FROM new_rows)) ORDER BY 1
        ON CONFLICT (account_id) DO NOTHING;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM feedback_fact_note_refs(8, ARRAY(SELECT id FROM old_rows EXCEPT SELECT id FROM new_rows));
        PERFORM feedback_fact_refresh_accounts(ARRAY(SELECT id FROM new_rows ORDER BY 1));
    ELSE
        -- Django sets the items' account to NULL before it deletes an account, so no item counts under it now.
        PERFORM feedback_fact_note_refs(8, ARRAY(SELECT id FROM old_rows));
        PERFORM feedback_fact_lock_rollups();
        PERFORM feedback_fact_resolve_pending();
        DELETE FROM feedback_accountthemefact WHERE account_id IN (SELECT id FROM old_rows);
        DELETE FROM feedback_accountfact WHERE account_id IN (SELECT id FROM old_rows);
    END IF;
    INSERT INTO feedback_factchange (relation, n) VALUES ('accounts', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_deals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT account_id FROM new_rows ORDER BY 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM feedback_fact_note_refs(9, ARRAY(SELECT id FROM old_rows));
        ids := ARRAY(SELECT DISTINCT account_id FROM old_rows ORDER BY 1);
    ELSE
        PERFORM feedback_fact_note_refs(9, ARRAY(SELECT id FROM old_rows EXCEPT SELECT id FROM new_rows));
        ids := ARRAY(SELECT account_id FROM new_rows UNION SELECT account_id FROM old_rows ORDER BY 1);
    END IF;
    PERFORM feedback_fact_refresh_accounts(ids);
    INSERT INTO feedback_factchange (relation, n) VALUES ('deals', 1);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION feedback_fact_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO feedback_factchange (relation, n) VALUES (TG_ARGV[0], 1);
    RETURN NULL;
END $$;

-- Recompute every fact from the store (after the thresholds or time zone changed, or to verify).
CREATE OR REPLACE FUNCTION feedback_fact_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('feedback.fact_pending', true) = 'on' THEN
        DELETE FROM feedback_factdelta WHERE txid = txid_current();
        DELETE FROM feedback_factpending WHERE txid = txid_current();
        PERFORM set_config('feedback.fact_pending', 'off', true);
    END IF;
    TRUNCATE feedback_itemfact, feedback_accountfact, feedback_classfact, feedback_weekfact,
        feedback_themeclassfact, feedback_accountthemefact;
    CREATE TEMPORARY TABLE feedback_rebuild_links ON COMMIT DROP AS
    SELECT item_id, array_agg(theme_id ORDER BY theme_id) AS themes FROM feedback_feedbacktheme
    WHERE NOT removed GROUP BY item_id;
    INSERT INTO feedback_themeset (theme_ids) SELECT DISTINCT themes FROM feedback_rebuild_links ORDER BY 1
    ON CONFLICT (theme_ids) DO NOTHING;
    INSERT INTO feedback_itemfact (item_id, occurred_at, week, account_id, source, nps_score, theme_ids, themeset,
        document)
    SELECT i.id, i.occurred_at, {_ITEM_WEEK.format(t="i")}, i.account_id, i.source, i.nps_score,
        coalesce(l.themes, '{{}}'), coalesce(s.id, 0), {_DOCUMENT.format(t="i")}
    FROM feedback_feedbackitem i
    LEFT JOIN feedback_rebuild_links l ON l.item_id = i.id
    LEFT JOIN feedback_themeset s ON s.theme_ids = l.themes
    ORDER BY i.occurred_at;
    DROP TABLE feedback_rebuild_links;
    INSERT INTO feedback_accountfact (account_id, segbits, owner_id, arr, sources_mask)
    SELECT s.*, coalesce(m.bits, 0)
    FROM feedback_fact_segbits(ARRAY(SELECT id FROM feedback_account)) s
    LEFT JOIN (SELECT account_id, bit_or(feedback_fact_source_bit(source)) AS bits FROM feedback_itemfact
               GROUP BY 1) m USING (account_id);
    {_class_counts("TRUE", sign="1", into="facts")}
    {_theme_counts("TRUE", sign="1", into="facts")}
    INSERT INTO feedback_accountthemefact (account_id, theme_id, sources_mask)
    SELECT f.account_id, th.theme_id, bit_or(feedback_fact_source_bit(f.source))
    FROM feedback_itemfact f CROSS JOIN unnest(f.theme_ids) AS th(theme_id)
    WHERE f.account_id IS NOT NULL GROUP BY 1, 2;
    INSERT INTO feedback_factchange (relation, n) VALUES ('items', 1);
END $$;
"""

TRIGGERS = """
CREATE CONSTRAINT TRIGGER feedback_fact_flush AFTER INSERT ON feedback_factpending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION feedback_fact_flush_at_commit();
CREATE TRIGGER feedback_fact_items_ins AFTER INSERT ON feedback_feedbackitem
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_items_inserted();
CREATE TRIGGER feedback_fact_items_upd AFTER UPDATE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION feedback_fact_items_updated();
CREATE TRIGGER feedback_fact_items_del AFTER DELETE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_items_deleted();
CREATE TRIGGER feedback_fact_links_ins AFTER INSERT ON feedback_feedbacktheme
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_links_changed();
CREATE TRIGGER feedback_fact_links_upd AFTER UPDATE ON feedback_feedbacktheme
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION feedback_fact_links_changed();
CREATE TRIGGER feedback_fact_links_del AFTER DELETE ON feedback_feedbacktheme
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_links_changed();
CREATE TRIGGER feedback_fact_accounts_ins AFTER INSERT ON feedback_account
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_accounts_changed();
CREATE TRIGGER feedback_fact_accounts_upd AFTER UPDATE ON feedback_account
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION feedback_fact_accounts_changed();
CREATE TRIGGER feedback_fact_accounts_del AFTER DELETE ON feedback_account
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_accounts_changed();
CREATE TRIGGER feedback_fact_deals_ins AFTER INSERT ON feedback_opportunity
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_deals_changed();
CREATE TRIGGER feedback_fact_deals_upd AFTER UPDATE ON feedback_opportunity
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION feedback_fact_deals_changed();
CREATE TRIGGER feedback_fact_deals_del AFTER DELETE ON feedback_opportunity
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_deals_changed();
CREATE TRIGGER feedback_fact_blocking_changed AFTER INSERT OR UPDATE OR DELETE ON feedback_opportunity_blocking_themes
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_touched('deals');
CREATE TRIGGER feedback_fact_themes_changed AFTER INSERT OR UPDATE OR DELETE ON feedback_theme
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_touched('themes');
"""

DROP = """
DROP TABLE IF EXISTS feedback_factpending, feedback_factdelta;
DROP TRIGGER IF EXISTS feedback_fact_items_ins ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS feedback_fact_items_upd ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS feedback_fact_items_del ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS feedback_fact_links_ins ON feedback_feedbacktheme;
DROP TRIGGER IF EXISTS feedback_fact_links_upd ON feedback_feedbacktheme;
DROP TRIGGER IF EXISTS feedback_fact_links_del ON feedback_feedbacktheme;
DROP TRIGGER IF EXISTS feedback_fact_accounts_ins ON feedback_account;
DROP TRIGGER IF EXISTS feedback_fact_accounts_upd ON feedback_account;
DROP TRIGGER IF EXISTS feedback_fact_accounts_del ON feedback_account;
DROP TRIGGER IF EXISTS feedback_fact_deals_ins ON feedback_opportunity;
DROP TRIGGER IF EXISTS feedback_fact_deals_upd ON feedback_opportunity;
DROP TRIGGER IF EXISTS feedback_fact_deals_del ON feedback_opportunity;
DROP TRIGGER IF EXISTS feedback_fact_blocking_changed ON feedback_opportunity_blocking_themes;
DROP TRIGGER IF EXISTS feedback_fact_themes_changed ON feedback_theme;
DROP FUNCTION IF EXISTS feedback_fact_items_inserted(), feedback_fact_items_updated(), feedback_fact_items_deleted(),
    feedback_fact_links_changed(), feedback_fact_accounts_changed(), feedback_fact_deals_changed(),
    feedback_fact_touched(), feedback_fact_rebuild(), feedback_fact_flush(), feedback_fact_flush_at_commit(),
    feedback_fact_pending_init(), feedback_fact_refresh_accounts(bigint[]),
    feedback_fact_add_accounts(bigint[], integer), feedback_fact_add_themes(bigint[], integer),
    feedback_fact_add_counts(bigint[], integer), feedback_fact_remask(bigint[]), feedback_fact_segbits(bigint[]),
    feedback_fact_source_bit(text), feedback_fact_themeset(bigint[]), feedback_fact_check_refs(bigint),
    feedback_fact_note_refs(integer, bigint[]), feedback_fact_lock_rollups(), feedback_fact_resolve(bigint),
    feedback_fact_resolve_pending();
DROP TABLE IF EXISTS feedback_factconfig;
"""
