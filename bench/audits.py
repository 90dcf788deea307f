"""Benchmark of the audits figures at scale (not a timed test).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/audits.py [--questions 100000] [--calls 200000]
        [--requests 10]

Fills (or reuses) an inbound log of --questions questions over the last 13 weeks and --calls Gong calls over six
months, each with PM participants in its raw payload, then prints: re-classification of the whole log with the shipped
rules (questions/s), the quality-of-inbound trend query, the PM-contact query over the Gong payloads, and p50/p95 of
the /audits/ page through the full Django stack. Last line: `audits: home p95 <N> ms at <Q> questions, <C> calls`.
Use a database of its own: it adds rows it does not remove.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed * 1000:,.0f} ms")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from audits import inbound_selectors, inbound_services
    from audits.demo import QUESTIONS
    from audits.models import InboundQuestion
    from feedback.models import FeedbackItem

    call_command("migrate", verbosity=0)
    inbound_services.rules_ensure_defaults()
    users = get_user_model().objects
    pm_group = Group.objects.get(name="PM")
    pms = []
    for n in range(20):
        user, _ = users.get_or_create(username=f"bench.pm{n}", defaults={"email": f"bench.pm{n}@example.com"})
        user.groups.add(pm_group)
        pms.append(user)
    ops, _ = users.get_or_create(username="bench.ops")
    ops.groups.add(Group.objects.get(name="Product Ops"))
    rng = random.Random(7)
    now = datetime.now(UTC)
    texts = [t for group in QUESTIONS.values() for t in group]

    missing = args.questions - InboundQuestion.objects.count()
    if missing > 0:
        batch = [
            InboundQuestion(
                text=rng.choice(texts),
                source="csv",
                team=rng.choice(["sales", "cs"]),
                asked_at=now - timedelta(minutes=rng.randrange(13 * 7 * 24 * 60)),
            )
            for _ in range(missing)
        ]
        InboundQuestion.objects.bulk_create(batch, batch_size=5000)
    existing = FeedbackItem.objects.filter(source="gong", external_id__startswith="bench-").count()
    if args.calls - existing > 0:
        batch = []
        for n in range(existing, args.calls):
            people = rng.sample(pms, 2)
            batch.append(
                FeedbackItem(
                    source="gong",
                    external_id=f"bench-{n}",
                    kind="call",
                    title="Call",
                    body="",
                    occurred_at=now - timedelta(minutes=rng.randrange(190 * 24 * 60)),
                    raw={
                        "parties": [{"emailAddress": p.email, "affiliation": "Internal"} for p in people]
                        + [{"emailAddress": "buyer@customer.example", "affiliation": "External"}]
                    },
                )
            )
            if len(batch) == 5000:
                FeedbackItem.objects.bulk_create(batch)
                batch = []
        FeedbackItem.objects.bulk_create(batch)
    questions = InboundQuestion.objects.count()
    calls = FeedbackItem.objects.filter(source="gong").count()
    print(f"inbound questions: {questions:,}; Gong calls: {calls:,}")

    InboundQuestion.objects.update(category="unclassified", rule_category="unclassified", matched_rule=None)
    _, seconds = timed("reclassify the whole log", inbound_services.inbound_reclassify)
    print(f"reclassify: {questions / seconds:,.0f} questions/s")
    timed("quality-of-inbound trend (13 weeks)", inbound_selectors.inbound_quality_over_time)
    timed("PM contact from Gong participants (6 months, 20 PMs)", inbound_selectors.pm_customer_contact)

    client = Client()
    client.force_login(ops)
    client.get("/audits/")
    samples = []
    for _ in range(args.requests):
        start = time.perf_counter()
        assert client.get("/audits/").status_code == 200
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, -(-len(samples) * 95 // 100) - 1)]
    print(f"/audits/: p50 {statistics.median(samples):,.0f} ms, p95 {p95:,.0f} ms")
    print(f"audits: home p95 {p95:,.0f} ms at {questions:,} questions, {calls:,} calls")


if __name__ == "__main__":
    main()
