"""Accounts and opportunities from the CRM, and the deals' links to the themes that block them."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower

from feedback.blockers import deals_link_blockers
from feedback.models import Account, Opportunity
from integrations.records import AccountRecord, OpportunityRecord

link_blockers = deals_link_blockers

ACCOUNT_FIELDS = ["name", "domain", "lifecycle", "arr", "industry"]
OPPORTUNITY_FIELDS = [
    "account", "name", "amount", "stage", "status", "close_date", "opportunity_type", "blocker_names",
]  # fmt: skip


def _unchanged(model: type, latest: dict[str, dict], fields: list[str]) -> tuple[set[str], set[str]]:
    """(ids already stored, ids stored with exactly these values): a re-sync of unchanged rows writes nothing."""
    stored = {
        row["salesforce_id"]: row
        for row in model.objects.filter(salesforce_id__in=latest).values("salesforce_id", *fields)
    }
    same = {sid for sid, row in stored.items() if all(row[f] == latest[sid][f] for f in fields)}
    return set(stored), same


def upsert_accounts(records: Sequence[AccountRecord]) -> tuple[int, int]:
    """Accounts by Salesforce id. The CRM owner becomes the CSM when they are a portal user (matched by email);
    an owner who is not leaves the portal's choice alone."""
    latest_records = {r.salesforce_id: r for r in records}  # the last version of each account in the page
    owners = _users_by_email({r.owner_email for r in latest_records.values() if r.owner_email})
    with_owner: dict[str, dict] = {}
    without_owner: dict[str, dict] = {}
    for sid, record in latest_records.items():
        values = {f: getattr(record, f) for f in ACCOUNT_FIELDS}
        owner_id = owners.get(record.owner_email)
        if owner_id:
            with_owner[sid] = {**values, "owner_csm_id": owner_id}
        else:
            without_owner[sid] = values
    created = updated = 0
    for latest, fields in ((with_owner, [*ACCOUNT_FIELDS, "owner_csm_id"]), (without_owner, ACCOUNT_FIELDS)):
        existing, same = _unchanged(Account, latest, fields)
        Account.objects.bulk_create(
            [Account(salesforce_id=sid, **values) for sid, values in latest.items() if sid not in same],
            update_conflicts=True, unique_fields=["salesforce_id"],
            update_fields=[f.removesuffix("_id") for f in fields],
        )  # fmt: skip
        created, updated = created + len(latest.keys() - existing), updated + len(existing - same)
    return created, updated


def _users_by_email(emails: set[str]) -> dict[str, int]:
    """Lower-cased email → active user id; an email shared by several users matches none of them."""
    if not emails:
        return {}
    matches: dict[str, list[int]] = {}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", "pk")
    )
    for email, pk in users:
        matches.setdefault(email, []).append(pk)
    return {email: pks[0] for email, pks in matches.items() if len(pks) == 1}


def upsert_opportunities(
    records: Sequence[OpportunityRecord],
) -> tuple[int, int, list[tuple[OpportunityRecord, str]]]:
    """Returns (created, updated, rejected with reason): a deal whose account is unknown waits for the account."""
    latest = {r.salesforce_id: r for r in records}
    accounts = dict(
        Account.objects.filter(
            salesforce_id__in={r.account_salesforce_id for r in latest.values() if r.account_salesforce_id}
        ).values_list("salesforce_id", "pk")
    )
    rejected: list[tuple[OpportunityRecord, str]] = [
        (r, f"account {r.account_salesforce_id or '(none)'} is not in the store yet")
        for r in latest.values()
        if r.account_salesforce_id not in accounts
    ]
    good = {sid: r for sid, r in latest.items() if r.account_salesforce_id in accounts}
    values = {
        sid: {"account_id": accounts[r.account_salesforce_id], "name": r.name, "amount": r.amount, "stage": r.stage,
              "status": r.status, "close_date": r.close_date, "opportunity_type": r.opportunity_type,
              "blocker_names": _clean_names(r.blocking_theme_names)}
        for sid, r in good.items()
    }  # fmt: skip
    existing, same = _unchanged(Opportunity, values, ["account_id", *OPPORTUNITY_FIELDS[1:]])
    Opportunity.objects.bulk_create(
        [
            Opportunity(salesforce_id=sid, **fields) for sid, fields in values.items() if sid not in same
        ],
        update_conflicts=True, unique_fields=["salesforce_id"], update_fields=OPPORTUNITY_FIELDS,
    )  # fmt: skip
    changed = [sid for sid in values if sid not in same]
    if changed:
        # Names matching no theme stay on the deal; a theme created or renamed later picks them up.
        link_blockers(
            opportunity_ids=Opportunity.objects.filter(salesforce_id__in=changed).values_list("pk", flat=True)
        )
    created = len(good.keys() - existing)
    return created, len(existing - same), rejected


def _clean_names(names: list[str]) -> list[str]:
    """Names as the CRM wrote them, trimmed, each once."""
    seen: dict[str, str] = {}
    for name in names:
        text = " ".join(str(name).split())
        if text:
            seen.setdefault(text.lower(), text)
    return list(seen.values())
