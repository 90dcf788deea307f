"""Salesforce records (REST JSON or Bulk API CSV rows) → the store's records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from feedback.models import ItemKind, Lifecycle, OpportunityStatus, OpportunityType, Source
from integrations.records import (
    AccountRecord,
    AccountRef,
    FeedbackRecord,
    OpportunityRecord,
    Rejected,
    StoreRecord,
    parse_timestamp,
    require,
)

FEEDBACK_OBJECTS = ("Task", "Note", "Case", "ContentNote")
ACCOUNT_PREFIX, OPPORTUNITY_PREFIX = (
    "001",
    "006",
)  # Salesforce key prefixes: what a WhatId / ParentId points at


def map_record(
    raw: Mapping[str, Any], *, blocked_feature_field: str, arr_field: str, instance: str
) -> StoreRecord:
    obj = (raw.get("attributes") or {}).get("type")
    if obj == "Account":
        return account(raw, arr_field=arr_field)
    if obj == "Opportunity":
        return opportunity(raw, blocked_feature_field=blocked_feature_field)
    if obj in FEEDBACK_OBJECTS:
        return feedback(obj, raw, instance=instance)
    raise Rejected(f"unexpected Salesforce object {obj!r}")


def account(raw: Mapping[str, Any], *, arr_field: str) -> AccountRecord:
    kind = str(raw.get("Type") or "").lower()
    lifecycle = Lifecycle.CHURNED if "former" in kind or "churn" in kind else (
        Lifecycle.CUSTOMER if "customer" in kind else Lifecycle.PROSPECT)  # fmt: skip
    website = str(raw.get("Website") or "")
    domain = website.split("//")[-1].split("/")[0].removeprefix("www.").lower()
    return AccountRecord(
        salesforce_id=str(require(raw, "Id")), name=str(require(raw, "Name"))[:255], domain=domain,
        lifecycle=lifecycle, arr=money(raw.get(arr_field), "ARR"), industry=str(raw.get("Industry") or "")[:64],
        owner_email=owner_email(raw), modified_at=_modstamp(raw), raw=raw,
    )  # fmt: skip


def opportunity(raw: Mapping[str, Any], *, blocked_feature_field: str) -> OpportunityRecord:
    closed, won = truthy(raw.get("IsClosed")), truthy(raw.get("IsWon"))
    status = OpportunityStatus.WON if won else (OpportunityStatus.LOST if closed else OpportunityStatus.OPEN)
    kind = str(raw.get("Type") or "").lower()
    opportunity_type = OpportunityType.RENEWAL if "renewal" in kind else (
        OpportunityType.EXPANSION if "existing" in kind or "upsell" in kind or "expansion" in kind
        else OpportunityType.NEW)  # fmt: skip
    close = raw.get("CloseDate")
    try:
        close_date = date.fromisoformat(close) if close else None
    except (TypeError, ValueError) as exc:
        raise Rejected(f"CloseDate is not a date: {close!r}") from exc
    blocked = str(raw.get(blocked_feature_field) or "")
    return OpportunityRecord(
        salesforce_id=str(require(raw, "Id")), account_salesforce_id=str(raw.get("AccountId") or ""),
        name=str(raw.get("Name") or "")[:255], amount=money(raw.get("Amount"), "Amount"),
        stage=str(raw.get("StageName") or "")[:64], status=status, close_date=close_date,
        opportunity_type=opportunity_type, blocking_theme_names=[n for n in blocked.split(";") if n.strip()],
        modified_at=_modstamp(raw), raw=raw,
    )  # fmt: skip


def feedback(obj: str, raw: Mapping[str, Any], *, instance: str) -> FeedbackRecord:
    record_id = str(require(raw, "Id"))
    parent = str(raw.get("WhatId") or raw.get("ParentId") or "")
    account_id = str(raw.get("AccountId") or (parent if parent.startswith(ACCOUNT_PREFIX) else ""))
    title = raw.get("Subject") if obj in ("Task", "Case") else raw.get("Title")
    body = {"Task": raw.get("Description"), "Case": raw.get("Description"), "Note": raw.get("Body")}.get(
        obj, raw.get("TextPreview")
    )
    return FeedbackRecord(
        source=Source.SALESFORCE, external_id=record_id, kind=ItemKind.TICKET if obj == "Case" else ItemKind.NOTE,
        occurred_at=parse_timestamp(raw.get("CreatedDate"), field_name="CreatedDate"),
        title=str(title or obj)[:500], body=str(body or ""),
        url=f"https://{instance}/{record_id}", account=AccountRef(salesforce_id=account_id),
        # On a deal, the store takes the deal's account (a Task's AccountId may be empty, a Note has none).
        opportunity_salesforce_id=parent if parent.startswith(OPPORTUNITY_PREFIX) else "", raw=raw,
        modified_at=_modstamp(raw),
    )  # fmt: skip


def _modstamp(raw: Mapping[str, Any]) -> datetime | None:
    stamp = raw.get("SystemModstamp")
    if not stamp:
        return None
    try:
        return parse_timestamp(str(stamp).replace("+0000", "+00:00"), field_name="SystemModstamp")
    except Rejected:
        return None


def truthy(value: Any) -> bool:
    """REST sends booleans; Bulk API CSV sends "true" / "false"."""
    return value is True or str(value).lower() == "true"


def owner_email(raw: Mapping[str, Any]) -> str:
    """`Owner.Email`: REST nests a relationship field ({"Owner": {"Email": ...}}), Bulk API CSV names a column."""
    owner = raw.get("Owner")
    email = owner.get("Email") if isinstance(owner, Mapping) else raw.get("Owner.Email")
    return str(email or "").strip().lower()


def from_csv(row: dict[str, str]) -> dict[str, Any]:
    """Bulk API CSV has no nulls, only empty strings: read those as missing, like REST's null."""
    return {key: (value if value != "" else None) for key, value in row.items()}


def money(value: Any, name: str) -> Decimal | None:
    """A currency field; None when Salesforce has none (unknown is not zero)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise Rejected(f"{name} is not a number: {value!r}") from exc
    if not amount.is_finite():
        raise Rejected(f"{name} is not a number: {value!r}")
    if amount < 0:
        raise Rejected(f"{name} is negative: {value!r}")
    return amount
