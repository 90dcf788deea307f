"""Serve the Salesforce, Zendesk and Gong simulators in the foreground, filled with deals, notes, tickets and calls
about the demo accounts (and one malformed deal, to show a rejected record), adding new tickets as time passes.

    .venv/bin/python -m simulators.serve [--tickets 300] [--calls 60] [--deals 40]

`make run` starts this itself and points the portal at it. Stop with Ctrl-C.
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

import certifi
import django
import trustme

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productops.settings.dev")
django.setup()  # the demo catalogue and account ids come from the feedback app

from feedback import demo_catalogue as cat  # noqa: E402
from feedback.demo import _salesforce_id  # noqa: E402
from simulators.env import SIMULATED_VENDORS, SimulatorPorts, ca_bundle_path, simulator_env  # noqa: E402
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
    # What real exports contain too: tickets deleted after they were filed (served with status "deleted"), and a
    # call whose CRM context names only the deal (its account comes from the deal).
    for _ in range(2):  # two more than `tickets`, so the live ones still number `tickets`
        name, _keywords, _description, titles, says = rng.choice(cat.THEMES)
        spam = zendesk.add_ticket(
            subject=rng.choice(titles), description=rng.choice(says), organization_id=None
        )
        zendesk.delete_ticket(spam["id"])
    _name, _keywords, _description, _titles, says = rng.choice(cat.THEMES)
    gong.add_call(
        "gong-demo-deal-only", (now - timedelta(days=2)).isoformat(), opportunity=_salesforce_id("006", 900_000),
        brief=rng.choice(says), keyPoints=[], trackers=[],
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
    # A deal with no Amount (unknown, not $0), blocked by names no theme has yet, and a note filed on the deal
    # rather than on its account.
    sf.add("Opportunity", Id=_salesforce_id("006", 999_998), AccountId=_salesforce_id("001", 2), Name="Unpriced deal",
           Amount=None, StageName="Discovery", IsClosed=False, IsWon=False, Type="New Business",
           Blocked_By_Feature__c="SCIM provisioning;Audit trail export")  # fmt: skip
    sf.add("Note", Id=_salesforce_id("002", 999_998), Title="Security review", ParentId=_salesforce_id("006", 999_998),
           Body="Their security team needs SCIM provisioning and an audit trail export.", CreatedDate=stamp)  # fmt: skip


def _write_ca_bundle(ca: trustme.CA, directory: Path, trusted: Path) -> Path:
    """simple-salesforce speaks only HTTPS, so the simulator has a certificate from a throwaway CA. The portal trusts
    a bundle of what it trusted before (`trusted`) plus that one, so a real vendor next to the simulators still
    verifies."""
    directory.mkdir(parents=True, exist_ok=True)
    bundle = ca_bundle_path(directory)
    partial = bundle.with_suffix(".tmp")
    partial.write_bytes(trusted.read_bytes() + b"\n" + ca.cert_pem.bytes())
    partial.replace(bundle)  # a reader never sees half a file
    return bundle


def keep_talking(
    zendesk: FakeZendesk, gong: FakeGong, *, every: float, stop: threading.Event, seed: int = 3
) -> None:
    """New tickets (and now and then a call) while the demo runs, so each scheduled pull brings something new."""
    rng = random.Random(seed)
    beat = 0
    while not stop.wait(every):
        beat += 1
        name, _keywords, _description, titles, says = rng.choice(cat.THEMES)
        now = datetime.now(UTC)
        zendesk.add_ticket(
            subject=rng.choice(titles), description=rng.choice(says), created_at=now.isoformat().replace("+00:00", "Z"),
            organization_id=360_000_000_000 + rng.randrange(300), tags=[name.split()[0].lower()],
        )  # fmt: skip
        if beat % 3 == 0:
            gong.add_call(
                f"gong-live-{beat}", now.isoformat(), account=_salesforce_id("001", rng.randrange(300)),
                brief=rng.choice(says), keyPoints=[{"text": rng.choice(says)}], trackers=[],
            )  # fmt: skip


def start_simulators(
    ports: SimulatorPorts,
    directory: Path,
    *,
    trusted: Path,
    tickets: int = 300,
    calls: int = 60,
    deals: int = 40,
) -> tuple[FakeZendesk, FakeGong, FakeSalesforce]:
    zendesk = _bind(FakeZendesk(page_size=100), ports.zendesk)
    gong = _bind(FakeGong(page_size=50), ports.gong)
    fill(zendesk, gong, tickets=tickets, calls=calls)
    ca = trustme.CA()
    _write_ca_bundle(ca, directory, trusted)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(tls)
    salesforce = _bind(FakeSalesforce(ca, page_size=200), ports.salesforce, tls=tls)
    fill_salesforce(salesforce, deals=deals)
    for server in (zendesk, gong, salesforce):
        server.start()
    return zendesk, gong, salesforce


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--deals", type=int, default=40)
    defaults = SimulatorPorts()
    parser.add_argument("--zendesk-port", type=int, default=defaults.zendesk)
    parser.add_argument("--gong-port", type=int, default=defaults.gong)
    parser.add_argument("--salesforce-port", type=int, default=defaults.salesforce)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "productops-simulators",
                        help="Where the CA bundle the portal must trust is written.")  # fmt: skip
    parser.add_argument("--trust", type=Path, default=Path(os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where()),
                        help="The CA bundle the portal trusts besides the simulator's own CA.")  # fmt: skip
    parser.add_argument("--new-ticket-every", type=float, default=20.0, metavar="SECONDS",
                        help="Add a ticket this often (and a call every third time); 0: never.")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="Do not print the environment.")
    args = parser.parse_args()
    ports = SimulatorPorts(zendesk=args.zendesk_port, gong=args.gong_port, salesforce=args.salesforce_port)
    zendesk, gong, salesforce = start_simulators(
        ports, args.dir, trusted=args.trust, tickets=args.tickets, calls=args.calls, deals=args.deals
    )
    stop = threading.Event()
    if args.new_ticket_every > 0:
        threading.Thread(
            target=keep_talking, args=(zendesk, gong), kwargs={"every": args.new_ticket_every, "stop": stop},
            daemon=True,
        ).start()  # fmt: skip
    print(
        f"Vendor simulators up: Zendesk :{ports.zendesk} ({len(zendesk.tickets)} tickets), Gong :{ports.gong} "
        f"({len(gong.calls)} calls), Salesforce :{ports.salesforce} "
        f"({len(salesforce.objects['Opportunity'])} deals, one malformed).",
        flush=True,
    )
    if not args.quiet:
        print("Point a portal at them with:")
        for vendor in SIMULATED_VENDORS:
            pairs = " ".join(f"{k}={v}" for k, v in simulator_env(vendor, ports, args.dir).items())
            print(f"  export {pairs}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop.set()
        for server in (zendesk, gong, salesforce):
            server.stop()


if __name__ == "__main__":
    main()
