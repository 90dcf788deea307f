"""One writer thread per sync, so preparing batch N+1 (Python) overlaps writing batch N (PostgreSQL).

The database does its half of the work in another process, on the other core; psycopg2 releases the GIL while it
waits. Writes stay strictly in order, one in flight at most, each in its own transaction on the writer's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connection


class OrderedWriter:
    def __init__(self, *, threaded: bool) -> None:
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-writer") if threaded else None
        )
        self._pending: Future[Any] | None = None

    def submit(self, write: Callable[[], Any]) -> None:
        """Run `write` after the previous one; an error in the previous write is raised here."""
        if self._executor is None:
            write()
            return
        self.drain()
        self._pending = self._executor.submit(write)

    def drain(self) -> None:
        """Wait for the write in flight (its error, if any, is raised now)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        if self._executor is None:
            return
        try:
            self.drain()
        finally:
            self._executor.submit(
                lambda: connection.close()
            ).result()  # resolved in the writer thread: its own connection
            self._executor.shutdown(wait=True)
