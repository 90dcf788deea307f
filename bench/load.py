"""Load benchmark (not a timed test): the portal under gunicorn, driven by locust, against the 1,000,000-item store.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/load.py [--items 1000000] [--accounts 20000]
        [--seconds 30] [--users 8] [--workers 2] [--threads 4] [--port 8199]

Seeds the store with `seed_demo` (or reuses it when it holds at least --items items), starts gunicorn on 127.0.0.1,
requests every page once as its user (so the run measures repeated views, as the dashboard's cache intends), then
runs locust headless twice against the same server for --seconds each:

1. the minimal login-required view (/accounts/whoami/: session, auth, one user lookup, a few bytes) — the yardstick
   for what this server and machine can do at all;
2. the mix: PMs on the feedback dashboard (three cuts), CSMs on the readiness board, a release and its kit, Sales on
   the digest, the CPO on the trend reports, all logged in with the demo users.

Prints requests/s, p50/p95 and errors per page and for the mix, and last:
`load: <R> req/s, p95 <N> ms, <E> errors, <P>% of minimal-view throughput`.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every query in memory and skew timings
BIN = Path(sys.executable).parent


def prepare(items: int, accounts: int) -> tuple[list[int], int | None]:
    """Seed if needed; return the ids of releases with an open checklist and a theme to filter by."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from feedback.models import FeedbackItem, Theme
    from readiness.models import Release

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    count = FeedbackItem.objects.count()
    if count < items:
        print(f"Seeding {items:,} items over {accounts:,} accounts (store has {count:,})…", flush=True)
        flags = ["--flush"] if count else []
        call_command(
            "seed_demo", "--accounts", str(accounts), "--items", str(items), "--anchor", "2026-11-20", *flags
        )
        count = FeedbackItem.objects.count()
    print(f"Store: {count:,} feedback items.", flush=True)
    releases = list(
        Release.objects.filter(checklist__isnull=False).distinct().values_list("pk", flat=True)[:3]
    )
    theme = Theme.objects.filter(slug__startswith="reporting").values_list("pk", flat=True).first()
    connection.close()
    return releases, theme


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "productops.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: our terminal's signals do not reach it half-way
    )  # fmt: skip
    ready = threading.Event()
    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        ready.wait(0.1)  # waiting for the server process to listen, bounded to 30 s
    server.terminate()
    sys.exit("gunicorn did not start within 30 s")


def warm(base: str, releases: list[int], theme: int | None) -> None:
    """Each page once as its user: the first view of a dashboard cut after a write computes it (see README)."""
    pages = {
        "pm": ["/feedback/", "/feedback/?segment=churn_risk&days=90", f"/feedback/?segment=churn_risk&theme={theme}&days=90"],
        "csm": ["/readiness/", *(f"/readiness/releases/{r}/" for r in releases[:1]), *(f"/readiness/releases/{r}/kit/" for r in releases[:1])],
        "sales": ["/digest/"],
        "cpo": ["/reports/"],
    }  # fmt: skip
    for username, paths in pages.items():
        session = requests.Session()
        session.trust_env = False
        login = session.get(f"{base}/accounts/login/")
        token = login.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        session.post(f"{base}/accounts/login/", data={"username": username, "password": "demo",
                     "csrfmiddlewaretoken": token}, headers={"Referer": f"{base}/accounts/login/"})  # fmt: skip
        for path in paths:
            response = session.get(base + path, allow_redirects=False, timeout=120)
            if response.status_code != 200:
                sys.exit(f"warm-up: {username} GET {path} answered {response.status_code}")


def run_locust(mode: str, base: str, users: int, seconds: int, env: dict[str, str], out: Path) -> list[dict]:
    prefix = out / mode
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--csv", str(prefix),
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
        cwd=ROOT, env={**os.environ, **env, "LOAD_MODE": mode}, check=False, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def row_line(row: dict) -> str:
    return (f"{row['Name']:<24}{int(row['Request Count']):>9}{int(row['Failure Count']):>8}"
            f"{float(row['Requests/s']):>9.1f}{row['50%']:>9}{row['95%']:>9}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8199)
    args = parser.parse_args()

    # A SIGTERM (timeout, Ctrl-C from a wrapper) unwinds through `finally`, so gunicorn never outlives the run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    releases, theme = prepare(args.items, args.accounts)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, args.workers, args.threads)
    try:
        warm(base, releases, theme)
        env = {"LOAD_RELEASES": ",".join(map(str, releases)), "LOAD_THEME": str(theme or "")}
        with tempfile.TemporaryDirectory() as tmp:
            minimal = run_locust("minimal", base, args.users, args.seconds, env, Path(tmp))
            mix = run_locust("mix", base, args.users, args.seconds, env, Path(tmp))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{args.users} users, {args.seconds} s per phase, gunicorn {args.workers} workers x {args.threads} threads"
    )
    print(f"{'page':<24}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for row in minimal + mix:
        print(row_line(row))
    base_total = next(r for r in minimal if r["Name"] == "Aggregated")
    total = next(r for r in mix if r["Name"] == "Aggregated")
    rate, minimal_rate = float(total["Requests/s"]), float(base_total["Requests/s"])
    errors = int(total["Failure Count"]) + int(base_total["Failure Count"])
    share = 100 * rate / minimal_rate if minimal_rate else 0.0
    print(
        f"mix p50 {total['50%']} ms; minimal view {minimal_rate:.1f} req/s, p95 {base_total['95%']} ms\n"
        f"load: {rate:.1f} req/s, p95 {total['95%']} ms, {errors} errors, {share:.0f}% of minimal-view throughput"
    )


if __name__ == "__main__":
    main()
