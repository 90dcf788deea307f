"""Benchmark of the digest and roadmap (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/digest.py [--releases 60] [--requests 20]

Runs on a database that `seed_demo` filled. Inside one transaction that it rolls back at the end (nothing is left
behind), it adds --releases releases launching within the horizon (checklists open, themes linked, affected
accounts derived from the themes' feedback), then times: drafting the digest (3 runs), publishing it, reading the
published digest and the roadmap through Django's full stack (--requests each after one warm-up, as Sales), and
emailing it to every user (locmem backend). Prints p50/p95 and last one line:
`digest: page p95 <N> ms, roadmap p95 <M> ms, draft <D> ms at <R> releases`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def timed(func) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--releases", type=int, default=60)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from digest import services
    from digest.emails import digest_send
    from digest.models import Digest
    from feedback.models import Theme
    from readiness import services as readiness_services
    from readiness.models import ProductArea, Release

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    users = get_user_model().objects
    if not users.filter(username="sales").exists():
        sys.exit("Run `manage.py seed_demo` on this database first.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    with transaction.atomic():
        pm, ops = users.get(username="pm"), users.get(username="productops")
        themes = list(Theme.objects.order_by("pk"))
        areas = list(ProductArea.objects.order_by("pk")) or [None]
        Digest.objects.all().delete()
        for n in range(args.releases):
            release = Release.objects.create(
                name=f"Bench release {n}",
                launch_date=today + timedelta(days=1 + n % (7 * settings.DIGEST_HORIZON_WEEKS - 1)),
                pm_owner=pm,
                product_area=areas[n % len(areas)],
                customer_change="Bench.",
            )
            release.themes.set(themes[n % len(themes) : n % len(themes) + 2])
            readiness_services.release_refresh_affected_accounts(release=release)
            readiness_services.checklist_open(release=release)
        with connection.cursor() as cursor:  # what autovacuum would do after such a batch of writes
            cursor.execute(
                "ANALYZE readiness_release, readiness_release_affected_accounts, readiness_checklistitem"
            )
        in_horizon = Release.objects.filter(
            launch_date__gte=today, launch_date__lte=today + timedelta(weeks=settings.DIGEST_HORIZON_WEEKS)
        ).count()
        drafts = [timed(lambda: services.digest_draft(today=today)) for _ in range(3)]
        digest = Digest.objects.get()
        publish = timed(lambda: services.digest_publish(digest=digest, actor=ops, notify=False))
        for user in users.filter(is_active=True):
            services.subscription_update(user=user, active=True)
        subscribers = users.filter(is_active=True).count()
        sent: list[int] = []
        send = timed(lambda: sent.append(digest_send(digest_id=digest.pk)))

        client = Client()
        client.force_login(users.get(username="sales"))
        results = {}
        # A minimal page (a small form) through the same stack: the machine is shared, so ratios travel better.
        pages = [
            ("baseline (subscription form)", "/digest/subscription/"),
            ("digest page", "/digest/"),
            ("roadmap", "/roadmap/"),
        ]
        for name, path in pages:
            assert client.get(path).status_code == 200
            results[name] = []
        for _ in range(
            args.requests
        ):  # interleaved, so a burst of load on the shared machine hits every page alike
            for name, path in pages:
                results[name].append(timed(lambda path=path: client.get(path)))
        transaction.set_rollback(True)

    print(f"releases in the horizon: {in_horizon}")
    print(
        f"draft: {', '.join(f'{d:.0f}' for d in drafts)} ms (first, re-draft, re-draft); publish {publish:.0f} ms"
    )
    print(
        f"email: {sent[0]} of {subscribers} subscribers in {send:.0f} ms ({send / max(1, sent[0]):.1f} ms each)"
    )
    base = statistics.median(results[pages[0][0]])
    for name, samples in results.items():
        p50 = statistics.median(samples)
        print(
            f"{name}: p50 {p50:.0f} ms ({p50 / base:.1f}x the baseline), p95 {percentile(samples, 95):.0f} ms "
            f"({args.requests} requests)"
        )
    print(
        f"digest: page p95 {percentile(results['digest page'], 95):.0f} ms, roadmap p95 "
        f"{percentile(results['roadmap'], 95):.0f} ms, draft {drafts[0]:.0f} ms at {in_horizon} releases"
    )


if __name__ == "__main__":
    main()
