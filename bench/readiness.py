"""Benchmark of the readiness board and Launch Readiness Kit at scale (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/readiness.py [--requests 5] [--anchor 2026-11-20]

Reuses a seeded store (bench/load.py or bench/pages.py make one); adds the demo releases when it has none. Requests
the board and each open release's kit through Django's full stack as a Product Ops user and prints p50 / max per page.
Last line: `readiness: board p50 <N> ms, kit p50 <M> ms at <K> items`.
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
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every query in memory and skew timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--anchor", default="2026-11-20")
    args = parser.parse_args()
    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from feedback.models import FeedbackItem
    from readiness.demo import seed_readiness_demo
    from readiness.models import Release

    anchor = date.fromisoformat(args.anchor)
    if not Release.objects.exists():
        seed_readiness_demo(anchor=anchor)
    items = FeedbackItem.objects.count()
    user, _ = get_user_model().objects.get_or_create(username="bench-productops")
    user.groups.set([Group.objects.get(name="Product Ops")])
    client = Client()
    client.force_login(user)
    releases = list(Release.objects.filter(checklist__isnull=False).distinct().values_list("pk", flat=True))

    def timed(url: str) -> list[float]:
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return samples

    with time_machine.travel(anchor, tick=True):
        board = timed("/readiness/?mine=0")
        print(
            f"board            p50 {statistics.median(board):7.0f} ms  max {max(board):7.0f} ms", flush=True
        )
        kits: list[float] = []
        for pk in releases:
            samples = timed(f"/readiness/releases/{pk}/kit/")
            kits += samples
            print(
                f"kit (release {pk:>3}) p50 {statistics.median(samples):7.0f} ms  max {max(samples):7.0f} ms",
                flush=True,
            )
    print(
        f"readiness: board p50 {statistics.median(board):.0f} ms, kit p50 {statistics.median(kits):.0f} ms "
        f"(max {max(kits):.0f} ms) at {items:,} items"
    )


if __name__ == "__main__":
    main()
