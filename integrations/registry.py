"""Which connectors exist, whether each is enabled, and how to build one from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from integrations.gong.connector import GongCalls, GongSettings
from integrations.records import Connector
from integrations.zendesk.connector import ZendeskSettings, ZendeskTickets


@dataclass(frozen=True)
class Vendor:
    key: str
    label: str
    stream: str
    enabled_setting: str
    build: Callable[[], Connector]
    interval_setting: str

    @property
    def enabled(self) -> bool:
        return bool(getattr(settings, self.enabled_setting, False))

    @property
    def interval_minutes(self) -> int:
        return int(getattr(settings, self.interval_setting, 0))


def _zendesk() -> Connector:
    return ZendeskTickets(
        ZendeskSettings(
            subdomain=settings.ZENDESK_SUBDOMAIN,
            email=settings.ZENDESK_EMAIL,
            token=settings.ZENDESK_API_TOKEN,
        )
    )


def _gong() -> Connector:
    return GongCalls(
        GongSettings(
            base_url=settings.GONG_BASE_URL,
            access_key=settings.GONG_ACCESS_KEY,
            access_key_secret=settings.GONG_ACCESS_KEY_SECRET,
            lookback_hours=settings.GONG_LOOKBACK_HOURS,
            backfill_days=settings.GONG_BACKFILL_DAYS,
        )
    )


def _salesforce() -> Connector:
    from simple_salesforce import Salesforce

    from integrations.http import TimeoutSession
    from integrations.salesforce.connector import SalesforceObjects

    def log_in() -> Salesforce:
        # simple-salesforce sets no timeout of its own: the session gives every request the shared one.
        if settings.SALESFORCE_ACCESS_TOKEN:
            # A token cannot log in again: when it expires the run fails with Salesforce's INVALID_SESSION_ID.
            return Salesforce(
                instance_url=settings.SALESFORCE_INSTANCE_URL, session_id=settings.SALESFORCE_ACCESS_TOKEN,
                session=TimeoutSession(),
            )  # fmt: skip
        return Salesforce(
            username=settings.SALESFORCE_USERNAME,
            password=settings.SALESFORCE_PASSWORD,
            security_token=settings.SALESFORCE_SECURITY_TOKEN,
            domain=settings.SALESFORCE_DOMAIN,
            session=TimeoutSession(),
        )

    return SalesforceObjects(
        log_in,
        blocked_feature_field=settings.SALESFORCE_BLOCKED_FEATURE_FIELD,
        arr_field=settings.SALESFORCE_ARR_FIELD,
        bulk_threshold=settings.SALESFORCE_BULK_THRESHOLD,
    )


def _delighted() -> Connector:
    from integrations.nps.delighted import DelightedResponses

    return DelightedResponses(base_url=settings.DELIGHTED_BASE_URL, api_key=settings.DELIGHTED_API_KEY)


def _pendo() -> Connector:
    from integrations.pendo.connector import PendoUsage

    return PendoUsage(base_url=settings.PENDO_BASE_URL, integration_key=settings.PENDO_INTEGRATION_KEY)


VENDORS: dict[str, Vendor] = {
    "salesforce": Vendor(
        "salesforce", "Salesforce", "objects", "SALESFORCE_ENABLED", _salesforce, "SALESFORCE_SYNC_MINUTES"
    ),
    "zendesk": Vendor("zendesk", "Zendesk", "tickets", "ZENDESK_ENABLED", _zendesk, "ZENDESK_SYNC_MINUTES"),
    "gong": Vendor("gong", "Gong", "calls", "GONG_ENABLED", _gong, "GONG_SYNC_MINUTES"),
    "delighted": Vendor(
        "delighted", "Delighted (NPS)", "responses", "DELIGHTED_ENABLED", _delighted, "DELIGHTED_SYNC_MINUTES"
    ),
    "pendo": Vendor("pendo", "Pendo (usage)", "usage", "PENDO_ENABLED", _pendo, "PENDO_SYNC_MINUTES"),
}


class UnknownVendor(ValueError):
    pass


def connector_for(vendor: str) -> Connector:
    if vendor not in VENDORS:
        raise UnknownVendor(f"Unknown vendor {vendor!r}; known: {', '.join(VENDORS)}")
    entry = VENDORS[vendor]
    if not entry.enabled:
        raise UnknownVendor(
            f"{entry.label} is not enabled: set {entry.enabled_setting}=true and its credentials."
        )
    return entry.build()
