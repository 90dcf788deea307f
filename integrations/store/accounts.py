"""Which stored Account a vendor's account reference means."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from feedback.models import Account
from integrations.records import AccountRef


def resolve_accounts(refs: Iterable[AccountRef]) -> dict[AccountRef, int]:
    """Map vendor account references to Account ids with at most one query. Unknown refs are left out.

    An empty key matches nothing: an account with no domain (or no Zendesk id) must not become the match for every
    record that carries none. A Salesforce id wins over a Zendesk organization id, which wins over a domain.
    """
    refs = set(refs)
    sf_ids = {r.salesforce_id for r in refs if r.salesforce_id}
    org_ids = {r.zendesk_org_id for r in refs if r.zendesk_org_id}
    domains = {r.domain.strip().lower() for r in refs if r.domain.strip()}
    if not (sf_ids or org_ids or domains):
        return {}
    rows = Account.objects.filter(
        Q(salesforce_id__in=sf_ids) | Q(zendesk_org_id__in=org_ids) | Q(domain__in=domains)
    ).values_list("pk", "salesforce_id", "zendesk_org_id", "domain")
    by_sf: dict[str, int] = {}
    by_org: dict[str, int] = {}
    by_domain: dict[str, int] = {}
    for pk, sf_id, org_id, domain in rows:
        if sf_id:
            by_sf[sf_id] = pk
        if org_id:
            by_org[org_id] = pk
        if domain and domain.strip():
            by_domain.setdefault(domain.strip().lower(), pk)
    resolved = {}
    for ref in refs:
        pk = (
            (by_sf.get(ref.salesforce_id) if ref.salesforce_id else None)
            or (by_org.get(ref.zendesk_org_id) if ref.zendesk_org_id else None)
            or (by_domain.get(ref.domain.strip().lower()) if ref.domain.strip() else None)
        )
        if pk:
            resolved[ref] = pk
    return resolved
