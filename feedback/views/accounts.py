"""Account 360: who they are, what they are worth, what blocks their deals, and everything they said."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from feedback import selectors
from feedback.models import Account, Source, Theme
from feedback.permissions import READ_ROLES
from feedback.segments import segments, segments_of
from productops.roles import role_required


@role_required(*READ_ROLES)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("owner_csm"), pk=pk)
    source = request.GET.get("source", "")
    source = source if source in Source.values else ""
    theme_raw = request.GET.get("theme", "")
    theme_id = int(theme_raw) if theme_raw.isdigit() else None
    deals = selectors.account_open_deals(account)
    keys = segments_of(
        account, open_deal_amounts=[(d.amount, d.is_priority, d.opportunity_type) for d in deals]
    )
    labels = {s.key: s.label for s in segments()}
    items = selectors.account_timeline(account, source=source, theme_id=theme_id)
    duplicates = selectors.duplicate_groups(account)
    context = {
        "account": account,
        "segments": [(key, labels.get(key, key)) for key in keys],
        "deals": deals,
        "usage": selectors.account_usage(account),
        "source_counts": selectors.account_source_counts(account),
        "sources": Source.choices,
        "themes": list(Theme.objects.filter(merged_into__isnull=True).values_list("pk", "name")),
        "source": source,
        "theme_id": theme_id,
        "items": items,
        "duplicates": duplicates,
        "duplicate_sizes": _group_sizes(duplicates),
    }
    template = "feedback/account.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#timeline"
    return render(request, template, context)


def _group_sizes(groups: dict[int, int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for leader in groups.values():
        sizes[leader] = sizes.get(leader, 0) + 1
    return {item: sizes[leader] for item, leader in groups.items()}
