"""EXPLAIN (ANALYZE, BUFFERS) of every query the dashboard runs for a cut (a measuring aid, not a test).

    DATABASE_URL=postgres://... python bench/explain.py '/feedback/?segment=churn_risk' [--anchor 2026-11-20] [--full]

Requests the page once through Django (cache off) while capturing its SQL, then explains each query and prints its
execution time, the top plan line and (with --full) the whole plan. Read-only: EXPLAIN ANALYZE of a SELECT.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
# What a page costs to compute, so no request is answered by the rendered-page cache (bench/load.py measures that).
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ["FEEDBACK_DASHBOARD_CACHE_SECONDS"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--anchor", default="2026-11-20")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = get_user_model().objects.get_or_create(username="bench-pm")
    user.groups.set([Group.objects.get(name="PM")])
    client = Client()
    client.force_login(user)
    with time_machine.travel(date.fromisoformat(args.anchor), tick=True):
        for url in args.urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            print(f"== {url}: {len(captured.captured_queries)} queries")
            total = 0.0
            # One transaction, in the page's order: the statements that set a query's own settings
            # (set_config(..., true)) run too, so each query is explained with the settings it ran with.
            with transaction.atomic():
                for query in captured.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "django_session" in sql:
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        plan = [row[0] for row in cursor.fetchall()]
                    ms = float(plan[-1].split(":")[1].split()[0])
                    total += ms
                    print(f"-- {ms:8.1f} ms  {sql[:160]}")
                    for line in plan if args.full else plan[:1]:
                        print("   " + line)
            print(f"   total {total:.1f} ms")


if __name__ == "__main__":
    main()
