"""Benchmark of the feedback dashboard at scale (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/pages.py [--items 1000000] [--accounts 20000]
        [--requests 20] [--cuts 40] [--seed 15] [--no-cache]

Seeds the store with `seed_demo` data (or reuses it when it already holds at least --items items), then requests the
dashboard through Django's full stack (middleware, login, role check, templates):

- four named cases (everything, one segment, segment + theme + 90 days, free text): one cold request, then
  --requests more, p50/p95 per case;
- --cuts further distinct cuts drawn with a fixed --seed (segments, sources, a theme, an owner, day windows, explicit
  dates, search words, combinations, page 2 of results), each requested once, cold: p50 / p95 / max over them.

"cold" is the first request of a cut after the dashboard cache is emptied (what a PM sees the first time a cut is
looked at after a sync wrote to the store). With --no-cache every request computes every figure from the tables.
Last line: `pages: dashboard p95 <N> ms at <M> items[ (no cache)]`, N the worst p95 of the named cases and the drawn
cuts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every query in memory and skew timings

SEGMENTS = [
    "prospect", "customer", "high_priority_deal", "churn_risk", "expansion",
    "arr_smb", "arr_mid_market", "arr_enterprise",
]  # fmt: skip
SOURCES = ["zendesk", "salesforce", "gong", "nps", "survey", "manual"]
WORDS = [
    "reporting",
    "sso",
    "slow",
    "export",
    "mobile app",
    '"single sign-on"',
    "salesforce -crm",
    "okta OR saml",
]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the samples at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def drawn_cuts(
    count: int, *, seed: int, themes: list[int], owners: list[int], anchor: date
) -> list[tuple[str, ...]]:
    """`count` distinct query strings drawn with a fixed seed: each filter appears alone and in combinations."""
    rng = random.Random(seed)
    seen: set[str] = set()
    cuts: list[tuple[str, ...]] = []
    while len(cuts) < count:
        params: list[tuple[str, str]] = []
        for segment in rng.sample(SEGMENTS, rng.choice([0, 0, 1, 1, 2])):
            params.append(("segment", segment))
        for source in rng.sample(SOURCES, rng.choice([0, 0, 1, 2])):
            params.append(("source", source))
        if themes and rng.random() < 0.3:
            params.append(("theme", str(rng.choice(themes))))
        if owners and rng.random() < 0.2:
            params.append(("owner", str(rng.choice(owners))))
        window = rng.random()
        if window < 0.35:
            params.append(("days", rng.choice(["30", "90", "365"])))
        elif window < 0.55:
            start = anchor - timedelta(days=rng.randrange(20, 360))
            params.append(("start", start.isoformat()))
            params.append(("end", (start + timedelta(days=rng.randrange(7, 120))).isoformat()))
        if rng.random() < 0.25:
            params.append(("q", rng.choice(WORDS)))
        if rng.random() < 0.15:
            params.append(("page", "2"))
        query = urlencode(params)
        if query not in seen:
            seen.add(query)
            cuts.append(("/feedback/?" + query) if query else "/feedback/?page=3")
    return cuts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--cuts", type=int, default=40, help="further distinct cuts, each requested once, cold"
    )
    parser.add_argument("--seed", type=int, default=15, help="seed of the drawn cuts")
    parser.add_argument("--anchor", default="2026-11-20", help="'today' of the seeded data")
    parser.add_argument("--no-cache", action="store_true", help="compute every figure on every request")
    parser.add_argument("--verbose", action="store_true", help="print every drawn cut with its time")
    args = parser.parse_args()
    if args.no_cache:
        os.environ["FEEDBACK_DASHBOARD_CACHE_SECONDS"] = "0"

    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from feedback import cache as store_cache
    from feedback import demo
    from feedback.models import Account, FeedbackItem, Theme

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    anchor = date.fromisoformat(args.anchor)
    count = FeedbackItem.objects.count()
    if count < args.items:
        print(
            f"Seeding {args.items:,} items over {args.accounts:,} accounts (store has {count:,})…", flush=True
        )
        if count:
            demo.flush_store()
        options = demo.DemoOptions(accounts=args.accounts, items=args.items, anchor=anchor)
        demo.seed_demo(options)  # ends with ANALYZE
        count = FeedbackItem.objects.count()
    print(f"Store: {count:,} feedback items.", flush=True)

    user, _ = get_user_model().objects.get_or_create(username="bench-pm")
    user.groups.set([Group.objects.get(name="PM")])
    client = Client()
    client.force_login(user)
    reporting = Theme.objects.filter(slug__startswith="reporting").values_list("pk", flat=True).first()
    cases = [
        ("no filter", "/feedback/"),
        ("one segment", "/feedback/?segment=churn_risk"),
        ("segment + theme + 90 days", f"/feedback/?segment=churn_risk&theme={reporting}&days=90"),
        ("free-text search", "/feedback/?q=reporting"),
    ]
    themes = sorted(Theme.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    owners = sorted(
        Account.objects.exclude(owner_csm=None).values_list("owner_csm_id", flat=True).distinct().order_by()
    )
    cuts = drawn_cuts(args.cuts, seed=args.seed, themes=themes, owners=owners, anchor=anchor)

    def get(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    # The seeded data's "today", so day presets select the same items in every run.
    with time_machine.travel(anchor, tick=True):
        if not args.no_cache:
            # A new store generation makes every cached figure unreachable, without flushing a shared Redis db.
            store_cache.new_epoch()
        worst = 0.0
        print(f"{'case':<28}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}   (n={args.requests})")
        for name, url in cases:
            cold = get(url)
            samples = [get(url) for _ in range(args.requests)]
            p50, p95 = statistics.median(samples), percentile(samples, 95)
            worst = max(worst, p95)
            print(f"{name:<28}{cold:>9.0f}{p50:>9.0f}{p95:>9.0f}", flush=True)
        if cuts:
            colds, again = [], []
            for url in cuts:
                colds.append(get(url))
                if not args.no_cache:
                    again.append(get(url))
                if args.verbose:
                    print(f"  {colds[-1]:7.0f} ms  {url}", flush=True)
            p95 = percentile(colds, 95)
            worst = max(worst, p95)
            print(
                f"{len(cuts)} drawn cuts, cold: p50 {statistics.median(colds):.0f} ms, p95 {p95:.0f} ms, "
                f"max {max(colds):.0f} ms",
                flush=True,
            )
            if again:
                print(
                    f"{len(cuts)} drawn cuts, second view: p50 {statistics.median(again):.0f} ms, "
                    f"p95 {percentile(again, 95):.0f} ms, max {max(again):.0f} ms",
                    flush=True,
                )
    mode = " (no cache)" if args.no_cache else ""
    print(f"pages: dashboard p95 {worst:.0f} ms at {count} items{mode}")


if __name__ == "__main__":
    main()
