"""Reachability of the database and the broker, for /healthz and for operators."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def database_error(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "down"; the text tells the operator why
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def broker_error(redis_url: str | None = None) -> str | None:
    try:
        client = redis.Redis.from_url(
            redis_url or settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _where(url: str) -> str:
    """Host (or socket) and database of a URL, without credentials."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    host = unquote(parts.hostname or "") or parts.path
    return f"{host}:{parts.port}" if parts.port else host


def health_report() -> tuple[bool, dict[str, dict[str, str]]]:
    """(healthy, details). The details name servers and errors: only operators see them (see views.healthz)."""
    db_error = database_error()
    mq_error = broker_error()
    connection = connections[DEFAULT_DB_ALIAS]
    report = {
        "database": {
            "status": "down" if db_error else "ok",
            "engine": connection.vendor,
            "server": _where(settings.DATABASE_URL),
        },
        "broker": {
            "status": "down" if mq_error else "ok",
            "engine": "redis",
            "server": _where(settings.REDIS_URL),
        },
    }
    if db_error:
        report["database"]["error"] = db_error
    if mq_error:
        report["broker"]["error"] = mq_error
    return not (db_error or mq_error), report
