"""Run the whole portal locally, or any command beside its services.

    python -m productops.stack run [--port 8000]   # what `make run` does
    python -m productops.stack exec -- CMD ...     # what `make test` does: CMD with DATABASE_URL/REDIS_URL set
                                                   # (embedded Redis: database 1, apart from `run`'s 0)

Without DATABASE_URL / REDIS_URL, an embedded PostgreSQL and Redis are started under .data/ (productops/embedded.py)
and stopped again on the way out; with them, those servers are used and left alone. `run` then migrates, loads the
demo data into an empty database, and runs the web server, a Celery worker, Celery beat and the vendor simulators
side by side under honcho: one Ctrl-C stops all of them. Vendors with nothing in the environment are pointed at the
simulators and pulled every minute; a vendor whose `<VENDOR>_ENABLED` is set is left to that configuration.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import certifi

from productops import embedded
from productops.embedded import StackError
from simulators.env import SIMULATED_VENDORS, SimulatorPorts, simulator_env

DEMO_LOGINS = ("pm", "csm", "productops", "sales", "cpo")


@contextmanager
def services(base: Path, env: dict[str, str], *, redis_db: int = 0) -> Iterator[dict[str, str]]:
    """`env` plus DATABASE_URL and REDIS_URL; embedded servers for those not given (of the embedded Redis, database
    `redis_db`), stopped on exit."""
    env = dict(env)
    stops: list[Callable[[], None]] = []
    try:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"], started = embedded.start_postgres(base)
            print(
                f"Embedded PostgreSQL {embedded.bundled_postgres_major()} in {base / 'postgres'}", flush=True
            )
            if started:
                stops.append(lambda: embedded.stop_postgres(base))
        if not env.get("REDIS_URL"):
            env["REDIS_URL"], started = embedded.start_redis(base, db=redis_db)
            print(f"Embedded Redis in {base / 'redis'}", flush=True)
            if started:
                stops.append(lambda: embedded.stop_redis(base))
        yield env
    finally:
        for stop in reversed(stops):
            stop()


EXEC_REDIS_DB = 1


def exec_command(argv: list[str]) -> int:
    if not argv:
        raise StackError("exec needs a command, e.g.: python -m productops.stack exec -- python -m pytest")
    # A database of the embedded Redis apart from `make run`'s: a run beside the tests would otherwise take their
    # Celery tasks (and run them against its own database) and share their cache.
    with services(embedded.data_dir(), dict(os.environ), redis_db=EXEC_REDIS_DB) as env:
        return subprocess.call(argv, env=env)


def _check_ports(ports: list[int]) -> None:
    busy = [port for port in ports if embedded.port_in_use(port)]
    if busy:
        raise StackError(
            f"Port {', '.join(map(str, busy))} on 127.0.0.1 is already in use: is another `make run` still running? "
            "Stop it, or choose other ports: make run PORT=8010 (web) SIMULATOR_PORT_BASE=8810 (simulators)."
        )


def simulated_vendors(env: dict[str, str]) -> list[str]:
    """The vendors the environment says nothing about: those run against the simulators."""
    if env.get("SIMULATORS", "on").lower() in ("0", "off", "false", "no"):
        return []
    return [vendor for vendor in SIMULATED_VENDORS if f"{vendor.upper()}_ENABLED" not in env]


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], env=env, check=True, cwd=embedded.ROOT)


def run(port: int, simulator_ports: SimulatorPorts) -> int:
    from honcho.manager import Manager
    from honcho.printer import Printer

    base = embedded.data_dir()
    env = dict(os.environ)
    simulated = simulated_vendors(env)
    _check_ports([port, *(simulator_ports.all() if simulated else [])])
    simulator_dir = base / "simulators"
    for vendor in simulated:
        env.update(simulator_env(vendor, simulator_ports, simulator_dir))
    # The simulated Salesforce's CA is added to whatever this machine already trusts, not put in its place.
    trusted = os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where()
    env.setdefault("PYTHONUNBUFFERED", "1")
    with services(base, env) as env:
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "collectstatic", "--no-input", "-v0")
        _manage(env, "seed_demo", "--if-empty")
        manager = Manager(Printer(sys.stdout))
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "productops"]
        manager.add_process("web", _join([python, "manage.py", "runserver", f"127.0.0.1:{port}"]), env=env)
        manager.add_process("worker", _join([*celery, "worker", "-l", "info", "--concurrency", "2"]), env=env)
        manager.add_process(
            "beat", _join([*celery, "beat", "-l", "info", "-s", str(base / "celerybeat-schedule")]), env=env
        )
        if simulated:
            manager.add_process(
                "simulators",
                _join([python, "-m", "simulators.serve", "--quiet", "--dir", str(simulator_dir), "--trust", trusted,
                       "--zendesk-port", str(simulator_ports.zendesk), "--gong-port", str(simulator_ports.gong),
                       "--salesforce-port", str(simulator_ports.salesforce)]),
                env=env,
            )  # fmt: skip
        _banner(port, simulated, env)
        manager.loop()
        # Ctrl-C (SIGINT) or a SIGTERM is how the portal is meant to stop: that is a clean exit, not an error.
        return 0 if manager.returncode in (130, 143) else manager.returncode or 0


def _join(argv: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(part) for part in argv)


def _banner(port: int, simulated: list[str], env: dict[str, str]) -> None:
    vendors = ", ".join(simulated) if simulated else "none (configured from the environment)"
    print(
        f"\n  Product Ops portal: http://127.0.0.1:{port}/\n"
        f"  Log in as {', '.join(f'{name} / demo' for name in DEMO_LOGINS)}\n"
        f"  Simulated vendors, pulled every minute by Celery beat: {vendors}\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m productops.stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser(
        "run", help="Serve the whole portal with its worker, beat and simulators."
    )
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run_parser.add_argument("--simulator-port-base", type=int,
                            default=int(os.environ.get("SIMULATOR_PORT_BASE", "8801")))  # fmt: skip
    exec_parser = commands.add_parser("exec", help="Run a command with DATABASE_URL and REDIS_URL set.")
    exec_parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            base_port = args.simulator_port_base
            return run(
                args.port, SimulatorPorts(zendesk=base_port, gong=base_port + 1, salesforce=base_port + 2)
            )
        command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        return exec_command(command)
    except StackError as exc:
        print(f"\n{exc}\n", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as exc:
        return exc.returncode


if __name__ == "__main__":
    sys.exit(main())
