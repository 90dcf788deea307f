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


def broker_error(broker_url: str | None = None) -> str | None:
    url = broker_url if broker_url is not None else settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return None  # eager mode: tasks run in-process, there is no broker to reach
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def health_report() -> tuple[bool, dict[str, dict[str, str]]]:
    db_error = database_error()
    mq_error = broker_error()
    broker_mode = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "redis"
    report = {
        "database": {"status": "down" if db_error else "ok", "engine": connections["default"].vendor},
        "broker": {"status": "down" if mq_error else "ok", "mode": broker_mode},
    }
    if db_error:
        report["database"]["error"] = db_error
    if mq_error:
        report["broker"]["error"] = mq_error
    return not (db_error or mq_error), report
