from __future__ import annotations

import pytest

from tests.foundation.test_settings import _manage


@pytest.mark.parametrize(
    ("switch", "missing"),
    [
        ("ZENDESK_ENABLED", "ZENDESK_SUBDOMAIN"),
        ("GONG_ENABLED", "GONG_ACCESS_KEY"),
        ("SALESFORCE_ENABLED", "SALESFORCE_USERNAME"),
    ],
)
def test_an_enabled_vendor_without_credentials_stops_start_up_naming_the_variable(switch, missing):
    result = _manage("check", extra_env={switch: "true"})
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_a_salesforce_access_token_needs_its_instance_url_and_no_password():
    result = _manage("check", extra_env={"SALESFORCE_ENABLED": "true", "SALESFORCE_ACCESS_TOKEN": "00D!tok"})
    assert result.returncode != 0
    assert "The environment variable SALESFORCE_INSTANCE_URL is required" in result.stderr
    env = {
        "SALESFORCE_ENABLED": "true",
        "SALESFORCE_ACCESS_TOKEN": "00D!tok",
        "SALESFORCE_INSTANCE_URL": "https://x",
    }
    assert _manage("check", extra_env=env).returncode == 0


def test_a_bad_switch_value_names_the_variable():
    result = _manage("check", extra_env={"GONG_ENABLED": "sometimes"})
    assert result.returncode != 0 and "GONG_ENABLED must be a boolean" in result.stderr
