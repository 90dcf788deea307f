"""`make run`'s path and the embedded services under it (productops/stack.py, productops/embedded.py).

The first test is the whole thing as a newcomer gets it: no DATABASE_URL, no REDIS_URL, an empty data directory;
`python -m productops.stack run` starts PostgreSQL and Redis, migrates, seeds, and runs web, worker, beat and the
simulators. A Product Ops user presses "Sync now" for Zendesk, the real worker pulls the simulator, and the run shows
in /api/v1/integrations/runs/; SIGINT stops all of it, the embedded servers included.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from productops import embedded, stack
from productops.embedded import StackError

ROOT = Path(__file__).resolve().parents[2]
# Waits below are on other processes (a server starting, a worker finishing a job): bounded, never asserted on.
STARTUP_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(check, *, seconds: float, what: str, proc: subprocess.Popen | None = None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the stack exited ({proc.returncode}) while waiting for {what}")
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # this machine's REQUESTS_CA_BUNDLE / proxies are not for 127.0.0.1
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": "demo", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert response.ok and "sessionid" in session.cookies, response.text[:500]
    return session


def _runs(session: requests.Session, base: str) -> list[dict]:
    try:
        response = session.get(f"{base}/api/v1/integrations/runs/", timeout=10)
    except requests.RequestException:
        return []
    return response.json()["results"] if response.ok else []


def test_make_run_serves_the_portal_and_the_worker_pulls_the_simulators(tmp_path):
    data = tmp_path / "data"
    web, simulators = _free_port(), _free_port()
    while any(embedded.port_in_use(p) for p in range(simulators, simulators + 3)):
        simulators = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(PRODUCTOPS_DATA_DIR=str(data), PYTHONUNBUFFERED="1")
    log = (tmp_path / "stack.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "productops.stack", "run", "--port", str(web), "--simulator-port-base", str(simulators)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{web}"
    try:
        _wait_for(
            lambda: embedded.port_in_use(web), seconds=STARTUP_SECONDS, what="the web server", proc=proc
        )
        session = _wait_for(
            lambda: _try(lambda: _login(base, "productops")), seconds=60, what="a login", proc=proc
        )
        assert session.get(f"{base}/healthz", timeout=10).json()["database"]["engine"] == "postgresql"
        response = session.post(
            f"{base}/integrations/sync/zendesk/",
            headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": f"{base}/integrations/"},
            timeout=10,
        )
        assert response.ok
        run = _wait_for(
            lambda: next((r for r in _runs(session, base) if r["vendor"] == "zendesk" and r["finished"]), None),
            seconds=120, what="a finished Zendesk run", proc=proc,
        )  # fmt: skip
        assert run["status"] == "succeeded", run
        assert run["fetched"] >= 300 and run["stored"] >= 300  # the simulator's demo tickets
        assert (
            data.joinpath("postgres", "PG_VERSION").read_text().strip() == embedded.bundled_postgres_major()
        )
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole foreground group
        proc.wait(timeout=60)
        output = (tmp_path / "stack.log").read_text()
        assert proc.returncode == 0, output[-3000:]
        assert "Log in as pm / demo" in output
        assert embedded.running_postgres_url(data) is None, "the embedded PostgreSQL is still running"
        assert embedded.running_redis_url(data) is None, "the embedded Redis is still running"
    finally:
        log.close()
        print((tmp_path / "stack.log").read_text()[-6000:])  # shown by pytest only when the test fails
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        embedded.remove_data(data)


def _try(action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except (requests.RequestException, AssertionError, KeyError):
        return None


def test_a_data_directory_from_another_postgres_major_is_refused_and_left_alone(tmp_path):
    pgdata = tmp_path / "postgres"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("15\n")
    (pgdata / "precious").write_text("data")
    with pytest.raises(StackError) as error:
        embedded.start_postgres(tmp_path)
    message = str(error.value)
    assert "PostgreSQL 15" in message and f"PostgreSQL {embedded.bundled_postgres_major()}" in message
    assert f"mv {pgdata} {pgdata}-15.bak" in message
    assert sorted(p.name for p in pgdata.iterdir()) == ["PG_VERSION", "precious"]


def test_a_server_killed_with_sigkill_leaves_locks_that_the_next_start_clears_keeping_the_data(tmp_path):
    try:
        url, started = embedded.start_postgres(tmp_path)
        assert started
        with psycopg2.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
        pid = embedded._postmaster_info(tmp_path / "postgres").pid
        os.kill(pid, signal.SIGKILL)
        _wait_for(lambda: not embedded._pid_alive(pid), seconds=30, what="the killed server to go")
        assert (tmp_path / "postgres" / "postmaster.pid").exists()  # the stale lock a killed run leaves
        url, started = embedded.start_postgres(tmp_path)
        assert started
        with psycopg2.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT x FROM kept")
            assert cursor.fetchall() == [(42,)]
        assert embedded.start_postgres(tmp_path) == (url, False)  # a second start reuses the running server
    finally:
        embedded.remove_data(tmp_path)


def test_embedded_redis_starts_is_reused_and_stops(tmp_path):
    import redis

    try:
        url, started = embedded.start_redis(tmp_path)
        assert started and url.startswith("unix://")
        assert redis.Redis.from_url(url).ping()
        assert embedded.start_redis(tmp_path) == (url, False)
    finally:
        embedded.stop_redis(tmp_path)
    assert embedded.running_redis_url(tmp_path) is None


def test_make_test_keeps_to_a_redis_database_of_its_own(tmp_path):
    """A `make run` beside `make test` shares the embedded Redis: on one database its worker took the tests' tasks."""
    try:
        with stack.services(
            tmp_path, {"DATABASE_URL": "postgres://unused"}, redis_db=stack.EXEC_REDIS_DB
        ) as env:
            assert env["REDIS_URL"].endswith("?db=1")
        with stack.services(tmp_path, {"DATABASE_URL": "postgres://unused"}) as env:
            assert env["REDIS_URL"].endswith("?db=0")
    finally:
        embedded.stop_redis(tmp_path)


def test_a_port_in_use_is_named_with_what_to_do():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StackError, match=rf"Port {port} .* already in use.*make run PORT="):
            stack._check_ports([port])


def test_celery_gets_the_unix_socket_spelled_the_way_kombu_reads_it():
    assert (
        embedded.celery_broker_url("unix:///d/redis.sock?db=3")
        == "redis+socket:///d/redis.sock?virtual_host=3"
    )
    assert embedded.celery_broker_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_vendors_configured_in_the_environment_are_not_simulated():
    assert stack.simulated_vendors({}) == ["salesforce", "zendesk", "gong"]
    assert stack.simulated_vendors({"ZENDESK_ENABLED": "true"}) == ["salesforce", "gong"]
    assert stack.simulated_vendors({"SIMULATORS": "off"}) == []
