from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from integrations.models import RunStatus
from integrations.registry import VENDORS, UnknownVendor
from integrations.services import sync_now


class Command(BaseCommand):
    help = "Run a vendor sync in the foreground, with the same engine the schedule uses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("vendor", choices=sorted(VENDORS))
        parser.add_argument(
            "--full", action="store_true", help="Start from the beginning instead of the cursor."
        )
        parser.add_argument("--since", help="Start from this date (YYYY-MM-DD) instead of the cursor.")

    def handle(self, *args: Any, **opts: Any) -> None:
        since = None
        if opts["since"]:
            try:
                since = datetime.fromisoformat(opts["since"]).replace(tzinfo=UTC)
            except ValueError as exc:
                raise CommandError(f"--since must be a date like 2026-01-31, got {opts['since']!r}.") from exc
        try:
            with tqdm(unit="records", desc=f"{opts['vendor']} sync", dynamic_ncols=True) as bar:
                run = sync_now(
                    vendor=opts["vendor"],
                    trigger="command",
                    full=opts["full"],
                    since=since,
                    progress=bar.update,
                )
        except UnknownVendor as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{run.connection}: {run.get_status_display()} — fetched {run.fetched}, new {run.created}, "
            f"updated {run.updated}, deleted {run.deleted}, rejected {run.rejected}, retries {run.retries}"
        )
        if run.status == RunStatus.FAILED:
            raise CommandError(f"{summary}. Error: {run.error}")
        self.stdout.write(self.style.SUCCESS(summary) if run.status == RunStatus.SUCCEEDED else summary)
