"""Emerging themes: new or fast-growing themes, and clusters of similar untagged feedback worth a theme of their own.

Clusters come from PostgreSQL's pg_trgm: the latest untagged items of the last TRENDS_CLUSTER_WEEKS weeks are compared
pairwise (trigram similarity of title + body ≥ TRENDS_CLUSTER_SIMILARITY) and joined into groups (connected
components). No model and no download: the words a group shares name it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.models import FeedbackItem
from reports.trends import SeriesTrend, TrendReport

CLUSTER_POOL = 400  # untagged items compared (n² pairs; 400 → 80k pairs, tens of ms)
SCAN_LIMIT = 5_000  # newest items of the window looked at for untagged ones (an index probe each)
MIN_CLUSTER = 3
MAX_CLUSTERS = 6
MAX_CLUSTER_ITEMS = 200
# Words too common to name a cluster.
_STOP = """a about after all also am an and any are as at be because been but by can cannot could did do does doesn't
don't for from get gets got had has have how i i'm if in into is isn't it it's its just like make me more most my need
needs no not now of on or our out please so some than that the their them then there these they this those to too up
us very was we we're were what when where which while who why will with would you your ticket logged said asked key
points call notes inc ltd gmbh group co ag llc sa request requests feature"""
STOPWORDS = frozenset(_STOP.split())


@dataclass
class Cluster:
    items: list[FeedbackItem]
    size: int
    accounts: int
    words: list[str]
    name: str = ""

    @property
    def suggested_name(self) -> str:
        return self.name or " ".join(self.words[:3]).capitalize() or "New theme"

    @property
    def item_ids(self) -> list[int]:
        return [item.pk for item in self.items]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower()) if w not in STOPWORDS}


def _name_from_titles(titles: list[str]) -> str:
    """The cluster's most common title, without filler words, in its own word order: "Dark mode please" → "Dark mode"."""
    counts = Counter(t.strip() for t in titles if t.strip())
    if not counts:
        return ""
    top = min(counts, key=lambda t: (-counts[t], t))
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", top) if w.lower() not in STOPWORDS]
    return " ".join(words[:5]).capitalize()


def untagged_clusters(*, today: date | None = None, pool: int = CLUSTER_POOL) -> list[Cluster]:
    """Groups of ≥ 3 similar untagged items from the last weeks, biggest first, each with its shared words."""
    today = today or timezone.localdate()
    since = today - timedelta(weeks=settings.TRENDS_CLUSTER_WEEKS)
    # Only the newest SCAN_LIMIT items of the window are looked at, so the cost stays flat in a store where nearly
    # everything is tagged (scanning all of eight weeks for the few untagged ones took seconds at a million items).
    sql = """
        WITH newest AS MATERIALIZED (
            SELECT i.id, i.occurred_at FROM feedback_feedbackitem i
            WHERE i.occurred_at >= %s ORDER BY i.occurred_at DESC LIMIT %s
        ),
        untagged AS MATERIALIZED (
            -- LATERAL + LIMIT 1: one index probe per item, never a hash of every theme link in the store.
            SELECT n.id FROM newest n
            LEFT JOIN LATERAL (
                SELECT 1 AS tagged FROM feedback_feedbacktheme ft WHERE ft.item_id = n.id AND NOT ft.removed LIMIT 1
            ) t ON true
            WHERE t.tagged IS NULL ORDER BY n.occurred_at DESC LIMIT %s
        ),
        pool AS (
            SELECT i.id, left(coalesce(i.title, '') || ' ' || coalesce(i.body, ''), 600) AS text
            FROM feedback_feedbackitem i JOIN untagged u ON u.id = i.id
        )
        SELECT a.id, b.id FROM pool a JOIN pool b ON a.id < b.id WHERE similarity(a.text, b.text) >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, SCAN_LIMIT, pool, settings.TRENDS_CLUSTER_SIMILARITY])
        pairs = cursor.fetchall()
    leader: dict[int, int] = {}

    def find(x: int) -> int:
        while leader.get(x, x) != x:
            leader[x] = leader.get(leader[x], leader[x])
            x = leader[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            leader[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in {x for pair in pairs for x in pair}:
        groups.setdefault(find(x), []).append(x)
    big = sorted((g for g in groups.values() if len(g) >= MIN_CLUSTER), key=lambda g: (-len(g), min(g)))
    big = big[:MAX_CLUSTERS]
    wanted = {pk for g in big for pk in g}
    items = {
        item.pk: item
        for item in FeedbackItem.objects.filter(pk__in=wanted).select_related("account").defer("raw")
    }
    clusters = []
    for group in big:
        members = sorted(
            (items[pk] for pk in group if pk in items), key=lambda i: (-i.occurred_at.timestamp(), i.pk)
        )
        counts = Counter(w for item in members for w in _words(f"{item.title} {item.body}"))
        floor = max(2, len(members) // 2)
        shared = [w for w, n in sorted(counts.items(), key=lambda p: (-p[1], p[0])) if n >= floor][:8]
        clusters.append(
            Cluster(
                items=members,
                size=len(members),
                accounts=len({i.account_id for i in members if i.account_id}),
                words=shared,
                name=_name_from_titles([item.title for item in members]),
            )
        )
    return clusters


@dataclass
class EmergingTheme:
    series: SeriesTrend
    reason: str


def emerging_themes(report: TrendReport, *, limit: int = 6) -> list[EmergingTheme]:
    """New themes (nothing in the baseline, something now) and the fastest-growing rising ones."""
    out: list[EmergingTheme] = []
    for s in report.signals.get("all", []):
        if s.test.baseline == 0 and s.test.recent > 0:
            out.append(
                EmergingTheme(s, f"new: {s.test.recent} items in {s.test.recent_weeks} weeks, none before")
            )
    growing = sorted(
        (s for s in report.signals.get("all", []) if s.test.rising and s.test.rate_ratio),
        key=lambda s: -(s.test.rate_ratio or 0),
    )
    for s in growing:
        out.append(EmergingTheme(s, f"growing: {s.test.rate_ratio:.1f} times its baseline weekly rate"))
    return out[:limit]
