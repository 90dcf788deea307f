"""`make run`'s path: no DATABASE_URL, no REDIS_URL → SQLite and eager Celery, migrations, demo data, pages serve."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from django.db import connection
from django.test import Client
from productops.celery import app
from productops.health import health_report

assert connection.vendor == "sqlite", connection.vendor
assert app.conf.task_always_eager, "Celery should run tasks eagerly without REDIS_URL"
healthy, report = health_report()
assert healthy and report["broker"]["mode"] == "eager", report
client = Client()
assert client.get("/accounts/login/").status_code == 200
for username, home in [("pm", "/feedback/"), ("csm", "/readiness/"), ("productops", "/integrations/"),
                       ("sales", "/digest/"), ("cpo", "/reports/")]:
    assert client.login(username=username, password="demo"), username
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == home and landing.status_code == 200, (username, landing.redirect_chain)
    client.logout()

print("EMBEDDED-OK")
"""


def test_make_run_path_works_on_sqlite_with_eager_celery(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["SQLITE_PATH"] = str(tmp_path / "embedded.sqlite3")

    def manage(*args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--no-input", "-v0")
    assert "Demo logins" in manage(
        "seed_demo", "--if-empty", "--accounts", "40", "--items", "400", "--no-progress"
    )
    assert "not seeding" in manage("seed_demo", "--if-empty", "--no-progress")
    assert "EMBEDDED-OK" in manage("shell", "-c", SCRIPT)
