"""The environment that points the portal at the simulators, vendor by vendor. Imports nothing from Django: the
launcher (productops/stack.py) uses it before there is a database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SIMULATED_VENDORS = ("salesforce", "zendesk", "gong")


@dataclass(frozen=True)
class SimulatorPorts:
    zendesk: int = 8801
    gong: int = 8802
    salesforce: int = 8803

    def all(self) -> list[int]:
        return [self.zendesk, self.gong, self.salesforce]


def ca_bundle_path(directory: Path) -> Path:
    """The CA bundle the portal trusts while Salesforce is simulated: the public CAs plus the simulator's own."""
    return directory / "ca-bundle.pem"


def simulator_env(
    vendor: str, ports: SimulatorPorts, directory: Path, *, sync_minutes: int = 1
) -> dict[str, str]:
    """Settings that enable `vendor` against its simulator and pull it every `sync_minutes`."""
    env = {
        "zendesk": {
            "ZENDESK_ENABLED": "true", "ZENDESK_SUBDOMAIN": "demo", "ZENDESK_EMAIL": "ops@demo.test",
            "ZENDESK_API_TOKEN": "simulated", "ZENPY_FORCE_SCHEME": "http",
            "ZENPY_FORCE_NETLOC": f"127.0.0.1:{ports.zendesk}",
        },
        "gong": {
            "GONG_ENABLED": "true", "GONG_BASE_URL": f"http://127.0.0.1:{ports.gong}",
            "GONG_ACCESS_KEY": "simulated", "GONG_ACCESS_KEY_SECRET": "simulated",
        },
        "salesforce": {
            "SALESFORCE_ENABLED": "true", "SALESFORCE_INSTANCE_URL": f"https://127.0.0.1:{ports.salesforce}",
            "SALESFORCE_ACCESS_TOKEN": "SESSION-1", "REQUESTS_CA_BUNDLE": str(ca_bundle_path(directory)),
        },
    }[vendor]  # fmt: skip
    env[f"{vendor.upper()}_SYNC_MINUTES"] = str(sync_minutes)
    return env
