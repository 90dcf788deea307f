from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audits.demo import flush_audits_demo, seed_audits_demo
from digest.demo import flush_areas, flush_digest_demo, seed_digest_demo
from feedback import demo
from feedback.demo_catalogue import DEMO_PASSWORD, DEMO_USERS
from integrations.demo import seed_integrations_demo
from readiness.demo import flush_readiness_demo, seed_readiness_demo
from reports.review_demo import flush_reports_demo, seed_reports_demo
from reports.trends_demo import seed_trends_demo


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--anchor must be a date like 2026-01-31, got {value!r}.") from exc


class Command(BaseCommand):
    help = "Fill the store with deterministic, realistic demo data and create one demo user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=300, help="How many accounts (default 300).")
        parser.add_argument("--items", type=int, default=6000, help="How many feedback items (default 6000).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--anchor", type=str, default=None, help="The 'today' of the data (default: today)."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the store has data.")
        parser.add_argument("--flush", action="store_true", help="Delete the existing store first.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = demo.DemoOptions(
            accounts=opts["accounts"],
            items=opts["items"],
            seed=opts["seed"],
            anchor=_date(opts["anchor"]) if opts["anchor"] else date.today(),
        )
        try:
            options.validate()
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if opts["if_empty"] and opts["flush"]:
            raise CommandError("--if-empty and --flush contradict each other; use one.")
        if not demo.store_is_empty():
            if opts["if_empty"]:
                self.stdout.write("The store already has data; not seeding (--if-empty).")
                demo.ensure_demo_users()
                self._print_logins()
                return
            if not opts["flush"]:
                raise CommandError(
                    "The store already has data. Use --flush to replace it, or --if-empty to leave it alone."
                )
            self.stdout.write("Deleting the existing store (--flush)…")
            flush_audits_demo()
            flush_digest_demo()
            flush_readiness_demo()
            flush_areas()
            flush_reports_demo()
            demo.flush_store()
        with tqdm(
            total=options.items,
            unit="items",
            desc="Feedback items",
            disable=opts["no_progress"],
            dynamic_ncols=True,
        ) as bar:
            summary = demo.seed_demo(options, progress=bar.update)
        seed_integrations_demo()
        releases = seed_readiness_demo(anchor=options.anchor)
        digests = seed_digest_demo(anchor=options.anchor)
        decisions = seed_reports_demo(anchor=options.anchor)
        audits = seed_audits_demo(anchor=options.anchor, seed=options.seed)
        planted = seed_trends_demo(anchor=options.anchor, seed=options.seed)
        demo.refresh_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.accounts:,} accounts, {summary.opportunities:,} opportunities, "
                f"{summary.themes} themes, {summary.items:,} feedback items ({summary.theme_links:,} theme links), "
                f"{summary.usage_metrics:,} usage metrics, {releases} releases, {digests} digests, "
                f"{decisions} review decisions, {audits['rounds']} time-audit rounds, "
                f"{audits['questions']} inbound questions, {planted} trend-report items "
                f"(seed {options.seed}, anchor {options.anchor})."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        names = ", ".join(f"{username} ({role})" for username, _f, _l, role in DEMO_USERS)
        self.stdout.write(f"Demo logins: {names}; password for all: {DEMO_PASSWORD}")
