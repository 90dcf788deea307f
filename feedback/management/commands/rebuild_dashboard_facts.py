"""Recompute the dashboard's fact tables from the store, with today's segment thresholds and time zone."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from feedback import facts


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        facts.rebuild()
        self.stdout.write(f"Dashboard facts rebuilt in {time.perf_counter() - started:.1f} s.")
