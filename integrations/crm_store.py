"""Accounts and opportunities from the CRM, and deletions, written next to the feedback upsert."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from feedback.models import Account, FeedbackItem, Opportunity, Theme, UsageMetric
from integrations.records import AccountRecord, OpportunityRecord, UsageRecord
from integrations.store import resolve_accounts

ACCOUNT_FIELDS = ["name", "domain", "lifecycle", "arr", "industry"]
OPPORTUNITY_FIELDS = ["account", "name", "amount", "stage", "status", "close_date", "opportunity_type"]


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
            salesforce_id__in={r.account_salesforce_id for r in latest.values()}
        ).values_list("salesforce_id", "pk")
    )
    rejected = [
        (r, f"account {r.account_salesforce_id or '(none)'} is not in the store yet")
        for r in latest.values()
        if r.account_salesforce_id not in accounts
    ]
    good = {sid: r for sid, r in latest.items() if r.account_salesforce_id in accounts}
    values = {
        sid: {"account_id": accounts[r.account_salesforce_id], "name": r.name, "amount": r.amount, "stage": r.stage,
              "status": r.status, "close_date": r.close_date, "opportunity_type": r.opportunity_type}
        for sid, r in good.items()
    }  # fmt: skip
    existing, same = _unchanged(Opportunity, values, ["account_id", *OPPORTUNITY_FIELDS[1:]])
    Opportunity.objects.bulk_create(
        [
            Opportunity(salesforce_id=sid, **fields) for sid, fields in values.items() if sid not in same
        ],
        update_conflicts=True, unique_fields=["salesforce_id"], update_fields=OPPORTUNITY_FIELDS,
    )  # fmt: skip
    _set_blocking_themes(good)
    created = len(good.keys() - existing)
    return created, len(existing - same), rejected


def _set_blocking_themes(deals: dict[str, OpportunityRecord]) -> None:
    """The org's "blocked by feature" field names themes; unknown names are ignored (a theme is created by a PM)."""
    names = {n.strip().lower() for r in deals.values() for n in r.blocking_theme_names if n.strip()}
    themes = {}
    if names:
        for theme in Theme.objects.filter(Q(name__in=_cased(names)) | Q(slug__in=names)):
            themes[theme.name.lower()] = theme
            themes[theme.slug] = theme
    for opportunity in Opportunity.objects.filter(salesforce_id__in=deals):
        wanted = [
            themes[n.strip().lower()]
            for n in deals[opportunity.salesforce_id].blocking_theme_names
            if n.strip().lower() in themes
        ]
        opportunity.blocking_themes.set(wanted)


def _cased(names: set[str]) -> list[str]:
    return [*names, *(n.title() for n in names)]


def upsert_usage(records: Sequence[UsageRecord]) -> tuple[int, int, list[tuple[UsageRecord, str]]]:
    """Usage rows by (account, metric, day); a row whose account is unknown is returned as rejected."""
    accounts = resolve_accounts(r.account for r in records)
    rejected = [
        (r, f"no account matches {r.account.salesforce_id or r.account.domain or '(none)'}")
        for r in records
        if r.account not in accounts
    ]
    latest = {(accounts[r.account], r.metric[:64], r.day): r.value for r in records if r.account in accounts}
    stored = {
        (a, m, d): v
        for a, m, d, v in UsageMetric.objects.filter(
            account_id__in={k[0] for k in latest}, metric__in={k[1] for k in latest}
        ).values_list("account_id", "metric", "date", "value")
    }
    changed = {key: value for key, value in latest.items() if stored.get(key) != value}
    UsageMetric.objects.bulk_create(
        [UsageMetric(account_id=a, metric=m, date=d, value=v) for (a, m, d), v in changed.items()],
        update_conflicts=True, unique_fields=["account", "metric", "date"], update_fields=["value"],
    )  # fmt: skip
    created = sum(1 for key in changed if key not in stored)
    return created, len(changed) - created, rejected


def delete_items(source: str, external_ids: Sequence[str]) -> int:
    if not external_ids:
        return 0
    deleted, _ = FeedbackItem.objects.filter(source=source, external_id__in=external_ids).delete()
    return deleted
