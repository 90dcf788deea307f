"""Run the fake Zendesk and Gong servers in the foreground, filled with tickets and calls about the demo accounts.

    .venv/bin/python -m tests.fakes.serve [--tickets 300] [--calls 60]

Prints the environment that points `make run` (or a worker) at them. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import random
import threading
from datetime import UTC, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
django.setup()  # the demo catalogue and account ids come from the feedback app

from feedback import demo_catalogue as cat  # noqa: E402
from feedback.demo import _salesforce_id  # noqa: E402
from tests.fakes.gong import FakeGong  # noqa: E402
from tests.fakes.server import FakeServer  # noqa: E402
from tests.fakes.zendesk import FakeZendesk  # noqa: E402


def _bind(server: FakeServer, port: int) -> FakeServer:
    from http.server import ThreadingHTTPServer

    handler = server.httpd.RequestHandlerClass
    server.httpd.server_close()
    server.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.port = port
    server.thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    return server


def fill(
    zendesk: FakeZendesk, gong: FakeGong, *, tickets: int, calls: int, accounts: int = 300, seed: int = 1
) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for n in range(accounts):
        zendesk.organizations[360_000_000_000 + n] = {
            "id": 360_000_000_000 + n,
            "external_id": None,
            "domain_names": [],
        }
    for _ in range(tickets):
        name, _keywords, _description, titles, says = rng.choice(cat.THEMES)
        created = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1000))
        zendesk.add_ticket(
            subject=rng.choice(titles), description=rng.choice(says), created_at=created.isoformat().replace("+00:00", "Z"),
            organization_id=360_000_000_000 + rng.randrange(accounts), tags=[name.split()[0].lower()],
        )  # fmt: skip
    for n in range(calls):
        _name, _keywords, _description, _titles, says = rng.choice(cat.THEMES)
        started = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        gong.add_call(
            f"gong-demo-{n}", started.isoformat(), account=_salesforce_id("001", rng.randrange(accounts)),
            brief=rng.choice(says), keyPoints=[{"text": rng.choice(says)}],
            trackers=[{"id": "t1", "name": "Competitor mention", "count": 1, "occurrences": []}],
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--zendesk-port", type=int, default=8801)
    parser.add_argument("--gong-port", type=int, default=8802)
    args = parser.parse_args()
    zendesk = _bind(FakeZendesk(page_size=100), args.zendesk_port)
    gong = _bind(FakeGong(page_size=50), args.gong_port)
    fill(zendesk, gong, tickets=args.tickets, calls=args.calls)
    zendesk.start()
    gong.start()
    print("Fake vendors are up. Point the portal at them with:\n")
    print(
        "  export ZENDESK_ENABLED=true ZENDESK_SUBDOMAIN=demo ZENDESK_EMAIL=ops@demo.test ZENDESK_API_TOKEN=fake"
    )
    print(f"  export ZENPY_FORCE_SCHEME=http ZENPY_FORCE_NETLOC=127.0.0.1:{args.zendesk_port}")
    print(
        f"  export GONG_ENABLED=true GONG_BASE_URL=http://127.0.0.1:{args.gong_port} GONG_ACCESS_KEY=fake GONG_ACCESS_KEY_SECRET=fake"
    )
    print("  make run    # then Integrations → Sync now, or: .venv/bin/python manage.py sync zendesk\n")
    print(
        f"{len(zendesk.tickets)} tickets and {len(gong.calls)} calls about the demo accounts. Ctrl-C stops."
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        zendesk.stop()
        gong.stop()


if __name__ == "__main__":
    main()
