"""Two transactions on connections of their own, made to meet: the first holds what it took until the second waits
on it, then both go on. How the store's triggers behave under concurrent writers is tested with it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, connections, transaction


def _blocks_someone(pid: int) -> bool:
    with connection.cursor() as cursor:
        # pg_locks, not pg_stat_activity: the latter is read once per transaction, and this one waits in its own.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND %s = ANY(pg_blocking_pids(pid)))",
            [pid],
        )
        return cursor.fetchone()[0]


def race(
    first: Callable[[], None], second: Callable[[], None], *, check_first: bool = True
) -> dict[str, BaseException | None]:
    """`first` runs in a transaction (with `check_first`, its commit checks too: the deferred triggers) and, holding
    what it took, waits until `second`, run in another, waits on it (or ends); then both commit. Returns each
    side's error, None for a side that committed."""
    first_ran, second_ended, outcome = threading.Event(), threading.Event(), {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                if check_first:
                    connection.check_constraints()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid = cursor.fetchone()[0]
                first_ran.set()
                while not (second_ended.is_set() or _blocks_someone(pid)):
                    pass
            outcome["first"] = None
        except BaseException as exc:  # reported to the test
            outcome["first"] = exc
        finally:
            first_ran.set()
            connections.close_all()

    def run_second() -> None:
        first_ran.wait()
        try:
            with transaction.atomic():
                second()
            outcome["second"] = None
        except BaseException as exc:
            outcome["second"] = exc
        finally:
            second_ended.set()
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome
