"""Run the fake Salesforce, Zendesk and Gong servers in the foreground, filled with deals, notes, tickets and calls
about the demo accounts (and one malformed deal, to show a rejected record).

    .venv/bin/python -m simulators.serve [--tickets 300] [--calls 60] [--deals 40]

Prints the environment that points `make run` (or a worker) at them. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import random
import ssl
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
import trustme

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
django.setup()  # the demo catalogue and account ids come from the feedback app

from feedback import demo_catalogue as cat  # noqa: E402
from feedback.demo import _salesforce_id  # noqa: E402
from simulators.gong import FakeGong  # noqa: E402
from simulators.salesforce import FakeSalesforce  # noqa: E402
from simulators.server import FakeServer  # noqa: E402
from simulators.zendesk import FakeZendesk  # noqa: E402


def _bind(server: FakeServer, port: int, *, tls: ssl.SSLContext | None = None) -> FakeServer:
    from http.server import ThreadingHTTPServer

    handler = server.httpd.RequestHandlerClass
    server.httpd.server_close()
    server.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    if tls is not None:
        server.httpd.socket = tls.wrap_socket(server.httpd.socket, server_side=True)
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


def fill_salesforce(sf: FakeSalesforce, *, deals: int, accounts: int = 300, seed: int = 2) -> None:
    """New deals (some blocked by demo themes), call notes and cases on the demo accounts, three new prospects owned
    by demo CSMs, and one deal whose amount is not a number."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    theme_names = [name for name, *_rest in cat.THEMES]
    for n, (name, csm) in enumerate(
        [("Northwind Traders", "csm"), ("Tailspin Toys", "csm.amara"), ("Fabrikam", "csm.wei")]
    ):
        sf.add("Account", Id=_salesforce_id("001", 900_000 + n), Name=name, Website=f"https://{name.split()[0].lower()}.example",
               Type="Prospect", AnnualRevenue=None, Industry="Retail", Owner={"Email": f"{csm}@demo.example"})  # fmt: skip
    for n in range(deals):
        account = _salesforce_id("001", rng.randrange(accounts))
        blocked = ";".join(rng.sample(theme_names, rng.randint(0, 2)))
        sf.add("Opportunity", Id=_salesforce_id("006", 900_000 + n), AccountId=account, Name=f"Expansion {n + 1}",
               Amount=rng.choice([15_000, 40_000, 90_000, 250_000]), StageName="Negotiation", IsClosed=False,
               IsWon=False, CloseDate=(now + timedelta(days=rng.randint(10, 90))).date().isoformat(),
               Type="Existing Business", Blocked_By_Feature__c=blocked)  # fmt: skip
        _name, _keywords, _description, titles, says = rng.choice(cat.THEMES)
        sf.add("Task", Id=_salesforce_id("00T", 900_000 + n), Subject=rng.choice(titles), Description=rng.choice(says),
               WhatId=_salesforce_id("006", 900_000 + n), AccountId=account, CreatedDate=stamp)  # fmt: skip
        sf.add("Case", Id=_salesforce_id("500", 900_000 + n), Subject=rng.choice(titles), Description=rng.choice(says),
               AccountId=account, CreatedDate=stamp)  # fmt: skip
    sf.add("Opportunity", Id=_salesforce_id("006", 999_999), AccountId=_salesforce_id("001", 1), Name="Typo deal",
           Amount="lots", StageName="Prospecting", IsClosed=False, IsWon=False)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--zendesk-port", type=int, default=8801)
    parser.add_argument("--gong-port", type=int, default=8802)
    parser.add_argument("--deals", type=int, default=40)
    parser.add_argument("--salesforce-port", type=int, default=8803)
    args = parser.parse_args()
    zendesk = _bind(FakeZendesk(page_size=100), args.zendesk_port)
    gong = _bind(FakeGong(page_size=50), args.gong_port)
    fill(zendesk, gong, tickets=args.tickets, calls=args.calls)
    # simple-salesforce speaks only HTTPS: the fake gets a certificate from a throwaway CA that the portal trusts
    # through REQUESTS_CA_BUNDLE.
    ca = trustme.CA()
    ca_file = Path(tempfile.gettempdir()) / "productops-fake-salesforce-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(tls)
    salesforce = _bind(FakeSalesforce(ca, page_size=200), args.salesforce_port, tls=tls)
    fill_salesforce(salesforce, deals=args.deals)
    zendesk.start()
    gong.start()
    salesforce.start()
    print("Fake vendors are up. Point the portal at them with:\n")
    print(
        "  export ZENDESK_ENABLED=true ZENDESK_SUBDOMAIN=demo ZENDESK_EMAIL=ops@demo.test ZENDESK_API_TOKEN=fake"
    )
    print(f"  export ZENPY_FORCE_SCHEME=http ZENPY_FORCE_NETLOC=127.0.0.1:{args.zendesk_port}")
    print(
        f"  export GONG_ENABLED=true GONG_BASE_URL=http://127.0.0.1:{args.gong_port} GONG_ACCESS_KEY=fake GONG_ACCESS_KEY_SECRET=fake"
    )
    print(
        f"  export SALESFORCE_ENABLED=true SALESFORCE_INSTANCE_URL={salesforce.instance_url} "
        f"SALESFORCE_ACCESS_TOKEN=SESSION-1 REQUESTS_CA_BUNDLE={ca_file}"
    )
    print("  make run    # then Integrations → Sync now, or: .venv/bin/python manage.py sync salesforce\n")
    print(
        f"{len(zendesk.tickets)} tickets, {len(gong.calls)} calls and {len(salesforce.objects['Opportunity'])} deals "
        "with their notes and cases about the demo accounts. Ctrl-C stops."
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        for server in (zendesk, gong, salesforce):
            server.stop()


if __name__ == "__main__":
    main()
