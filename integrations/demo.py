"""Demo data for what the CRM leaves unsaid: unknown ARR and amounts, and blocker names that match no theme.

Runs after feedback.demo.seed_demo (called by seed_demo), deterministic: the same accounts and deals every time.
"""

from __future__ import annotations

from django.db import transaction

from feedback.models import Account, Lifecycle, Opportunity, OpportunityStatus

# Names a CRM admin typed in "Blocked by feature" that are no theme's name: Product Ops maps them on the
# integrations page.
UNMATCHED_BLOCKERS = ("SCIM provisioning", "Audit trail export", "sso (okta)")


@transaction.atomic
def seed_integrations_demo() -> dict[str, int]:
    unknown_arr = list(
        Account.objects.filter(lifecycle=Lifecycle.CUSTOMER)
        .order_by("salesforce_id")
        .values_list("pk", flat=True)[:3]
    )
    Account.objects.filter(pk__in=unknown_arr).update(arr=None)
    deals = list(
        Opportunity.objects.filter(status=OpportunityStatus.OPEN)
        .prefetch_related("blocking_themes")
        .order_by("salesforce_id")
    )
    no_amount = deals[:2]
    Opportunity.objects.filter(pk__in=[d.pk for d in no_amount]).update(amount=None)
    # Every open deal keeps the names the CRM sent: its themes' names, and for a few a name no theme has.
    for n, deal in enumerate(deals):
        names = [theme.name for theme in deal.blocking_themes.all()]
        if n % 9 == 0:
            names.append(UNMATCHED_BLOCKERS[(n // 9) % len(UNMATCHED_BLOCKERS)])
        deal.blocker_names = names
    Opportunity.objects.bulk_update(deals, ["blocker_names"], batch_size=1000)
    return {"unknown_arr": len(unknown_arr), "unknown_amount": len(no_amount)}
