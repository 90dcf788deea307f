"""Benchmark of the feedback dashboard at scale (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/pages.py [--items 1000000] [--accounts 20000]
        [--requests 20] [--no-cache]

Seeds the store with `seed_demo` data (or reuses it when it already holds at least --items items), then requests the
dashboard through Django's full stack (middleware, login, role check, templates) for four cuts, prints cold time and
p50/p95 per case, and last one line: `pages: dashboard p95 <N> ms at <M> items`.

"cold" is the first request of a cut after the dashboard cache is emptied (what a PM sees the first time a cut is
looked at after a sync wrote to the store); p50/p95 are over the --requests requests after it. With --no-cache every
request computes every figure from the tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every query in memory and skew timings


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the samples at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--anchor", default="2026-11-20", help="'today' of the seeded data")
    parser.add_argument("--no-cache", action="store_true", help="compute every figure on every request")
    args = parser.parse_args()
    if args.no_cache:
        os.environ["FEEDBACK_DASHBOARD_CACHE_SECONDS"] = "0"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from feedback import cache as store_cache
    from feedback import demo
    from feedback.models import FeedbackItem, Theme

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    count = FeedbackItem.objects.count()
    if count < args.items:
        print(
            f"Seeding {args.items:,} items over {args.accounts:,} accounts (store has {count:,})…", flush=True
        )
        if count:
            demo.flush_store()
        options = demo.DemoOptions(
            accounts=args.accounts, items=args.items, anchor=date.fromisoformat(args.anchor)
        )
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
    if not args.no_cache:
        # A new store generation makes every cached figure unreachable, without flushing a shared Redis database.
        store_cache.bump()
    worst = 0.0
    print(f"{'case':<28}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}   (n={args.requests})")
    for name, url in cases:
        started = time.perf_counter()
        response = client.get(url)
        cold = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        p50, p95 = statistics.median(samples), percentile(samples, 95)
        worst = max(worst, p95)
        print(f"{name:<28}{cold:>9.0f}{p50:>9.0f}{p95:>9.0f}", flush=True)
    mode = " (no cache)" if args.no_cache else ""
    print(f"pages: dashboard p95 {worst:.0f} ms at {count} items{mode}")


if __name__ == "__main__":
    main()
