"""Benchmark of the report pages at scale (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/reports.py [--items 1000000] [--accounts 20000]
        [--requests 20] [--at 2026-11-20T18:00Z]

Seeds the store with `seed_demo` data (or reuses it when it already holds at least --items items), refreshes the
reports' pre-aggregates (printing how long that took), then requests each report through Django's full stack (middleware, login, role check, templates) with every cache off, prints cold time
and p50/p95 per case, and last one line:
`reports: insight p95 <N> ms[, <case> p95 <M> ms ...] at <K> items (no cache)`.

Each report is one function below returning (name, url) cases; a new report adds its function to CASES.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every query in memory and skew timings
# Reports are measured computing every figure from the tables: no dashboard cache behind them.
os.environ["FEEDBACK_DASHBOARD_CACHE_SECONDS"] = "0"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the samples at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def insight_cases() -> list[tuple[str, str]]:
    """The Strategic Insight report for the five themes with the most blocked deals (the widest report a PM builds)."""
    from django.db.models import Count

    from feedback.models import Theme

    ids = list(
        Theme.objects.filter(merged_into__isnull=True)
        .annotate(deals=Count("blocked_opportunities"))
        .order_by("-deals", "pk")
        .values_list("pk", flat=True)[:5]
    )
    themes = ",".join(str(pk) for pk in ids)
    return [("insight, 5 themes", f"/reports/insight/?themes={themes}")]


def trends_cases() -> list[tuple[str, str]]:
    """The trend report over 26 weeks and every theme: the CPO's default view (all signals, clusters, emerging)."""
    return [("trends, 26 weeks, all themes", "/reports/trends/?weeks=26")]


# (label in the last line, cases). The trends report adds its entry here.
CASES: list[tuple[str, Callable[[], list[tuple[str, str]]]]] = [
    ("insight", insight_cases),
    ("trends", trends_cases),
]


def measure(client: Any, url: str, requests: int) -> tuple[float, float, float]:
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return cold, statistics.median(samples), percentile(samples, 95)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--anchor", default="2026-11-20", help="'today' of the seeded data")
    parser.add_argument(
        "--at",
        help="run as if it were this moment (ISO, e.g. 2026-11-20T18:00Z, the end of the seeded data): the trend "
        "report's week in progress, always read live, then holds a week's data rather than none",
    )
    args = parser.parse_args()
    if args.at:
        import time_machine

        time_machine.travel(datetime.fromisoformat(args.at), tick=True).start()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from feedback import demo
    from feedback.models import FeedbackItem

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
    # The reports read their pre-aggregates once refreshed (reports/rollups.py), as in production after a sync.
    from reports import rollups

    state = rollups.refresh()
    if state is not None:
        print(f"Pre-aggregates refreshed in {state.seconds:.1f} s at {count:,} items.", flush=True)

    user, _ = get_user_model().objects.get_or_create(username="bench-pm")
    user.groups.set([Group.objects.get(name="PM")])
    client = Client()
    client.force_login(user)
    figures = []
    print(f"{'case':<28}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}   (n={args.requests})")
    for label, cases in CASES:
        worst = 0.0
        for name, url in cases():
            cold, p50, p95 = measure(client, url, args.requests)
            worst = max(worst, p95)
            print(f"{name:<28}{cold:>9.0f}{p50:>9.0f}{p95:>9.0f}", flush=True)
        figures.append(f"{label} p95 {worst:.0f} ms")
    print(f"reports: {', '.join(figures)} at {count} items (no cache)")


if __name__ == "__main__":
    main()
