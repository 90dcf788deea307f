from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from productops import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("On", True), ("false", False), ("0", False)]
)
def test_env_bool_accepts_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_SWITCH", raw)
    assert env.env_bool("SOME_SWITCH") is expected


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("SALESFORCE_ENABLED", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SALESFORCE_ENABLED must be a boolean"):
        env.env_bool("SALESFORCE_ENABLED")


def test_a_missing_required_variable_names_it(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        env.env_required("DJANGO_SECRET_KEY")


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("CHURN_RISK_SCORE_THRESHOLD", "high")
    with pytest.raises(ImproperlyConfigured, match="CHURN_RISK_SCORE_THRESHOLD must be a whole number"):
        env.env_int("CHURN_RISK_SCORE_THRESHOLD", 70)


def _manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", extra_env={"DJANGO_SETTINGS_MODULE": "productops.settings.production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env={
            "DJANGO_SETTINGS_MODULE": "productops.settings.production",
            "DJANGO_SECRET_KEY": "x7!k2@pL9#qR4$wT6^yU8&iO0*aS3(dF5)gH1_jK-zX=cV+bN-m4Q8wE2rT6yU0iO",
            "DJANGO_ALLOWED_HOSTS": "productops.example.com",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/productops",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
