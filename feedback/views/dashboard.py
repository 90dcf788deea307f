"""The segmented feedback dashboard, its CSV export and bulk tagging from its selection."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain, islice
from math import ceil
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback import cache, queries, selectors, services
from feedback.filters import Cut, CutForm, ordered_items, parse_cut, search_terms
from feedback.models import Account, FeedbackItem, Source, Theme
from feedback.permissions import CURATE_ROLES, READ_ROLES
from feedback.segments import segments
from productops.csv_cells import Echo, csv_safe
from productops.page_cache import cached_page
from productops.roles import has_any_role, role_required
from productops.validation import parse_id, parse_ids

TEMPLATE = "feedback/dashboard.html"


def page_items(
    cut: Cut, total: int, *, from_facts: bool, gen: str
) -> tuple[list[FeedbackItem], dict[str, Any]]:
    size = settings.FEEDBACK_PAGE_SIZE
    pages = max(1, ceil(total / size))
    page = min(cut.page, pages)
    items: list[FeedbackItem] = []
    if total and not (cut.q and cut.sort == "relevance"):
        # Newest first: the page's ids from the narrow fact table, then those rows (a sparse cut stays cheap).
        def newest_page() -> list[FeedbackItem]:
            ids = queries.page_ids(
                cut, offset=(page - 1) * size, limit=size, from_facts=from_facts, total=total
            )
            by_id = {
                item.pk: item
                for item in FeedbackItem.objects.filter(pk__in=ids)
                .select_related("account")
                .defer("raw", "account__industry")
                .prefetch_related(selectors.live_theme_links())
            }
            return [by_id[pk] for pk in ids if pk in by_id]

        # The page's rows (items, their accounts, live theme links and theme names) are cached like the figures,
        # under the versions of those tables the figures read in the caller's snapshot (queries.snapshot): any
        # write to an item, account, link or theme changes the key, so the list is never older than the figures.
        key = (
            f"{cut.cache_key()}:{cut.q}:{cut.sort}:{page}:{size}:{total}:{from_facts}:{timezone.localdate()}"
        )
        items = cache.cached("items-page", key, newest_page, gen=gen)
    elif total:
        items = list(
            ordered_items(cut)
            .select_related("account")
            .defer("raw", "account__industry")
            .prefetch_related(selectors.live_theme_links())[(page - 1) * size : page * size]
        )
    nav = {
        "page": page,
        "pages": pages,
        "prev": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
        "first_index": (page - 1) * size + 1 if total else 0,
        "last_index": min(page * size, total),
    }
    return items, nav


def dashboard_context(request: HttpRequest, cut: Cut, form: CutForm) -> dict[str, Any]:
    with queries.snapshot():  # the figures and the items list see the same writes
        data = queries.dashboard(cut)
        items, nav = page_items(cut, data["summary"]["items"], from_facts=data["from_facts"], gen=data["gen"])
    segment_labels = {s.key: s.label for s in segments()}
    account_name = (
        Account.objects.filter(pk=cut.account_id).values_list("name", flat=True).first()
        if cut.account_id
        else None
    )
    return {
        "form": form,
        "cut": cut,
        "data": data,
        "items": items,
        "nav": nav,
        "terms": search_terms(cut.q),
        "segment_labels": segment_labels,
        "source_labels": dict(Source.choices),
        "account_name": account_name,
        "themes": list(Theme.objects.filter(merged_into__isnull=True).values_list("pk", "name")),
        "can_curate": has_any_role(request.user, CURATE_ROLES),
    }


@role_required(*READ_ROLES)
@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    cut, form = parse_cut(request.GET)
    context = dashboard_context(request, cut, form)
    status = 400 if form.errors else 200
    template = (
        TEMPLATE + "#results" if request.htmx and not request.htmx.history_restore_request else TEMPLATE
    )
    return render(request, template, context, status=status)


CSV_COLUMNS = [
    ("id", "id"),
    ("occurred_at", "occurred_at"),
    ("source", "source"),
    ("kind", "kind"),
    ("account_id", "account_id"),
    ("account", "account__name"),
    ("title", "title"),
    ("body", "body"),
    ("nps_score", "nps_score"),
    ("url", "url"),
]


def csv_rows(cut: Cut) -> Iterator[str]:
    """The cut as CSV lines. A server-side cursor feeds it in chunks, so memory stays flat at a million rows."""
    writer = csv.writer(Echo())
    yield writer.writerow([name for name, _ in CSV_COLUMNS])
    rows = ordered_items(cut).values_list(*[field for _, field in CSV_COLUMNS]).iterator(chunk_size=2000)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


@role_required(*READ_ROLES)
def export_csv(request: HttpRequest) -> HttpResponse:
    cut, form = parse_cut(request.GET)
    if form.errors:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    rows = csv_rows(cut)
    # The header and the first rows are produced here, inside the view: a query that fails does so as an error
    # response, not as a file cut off after its header once the 200 has been sent.
    first = [next(rows), *islice(rows, 1)]
    response = StreamingHttpResponse(chain(first, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="feedback-{stamp}.csv"'
    return response


@require_POST
@role_required(*CURATE_ROLES)
def bulk_tag(request: HttpRequest) -> HttpResponse:
    """Tag or untag the selected items by hand. The filter state rides along in the query string."""
    theme = get_object_or_404(Theme, pk=parse_id(request.POST.get("theme")) or 0, merged_into__isnull=True)
    item_ids = parse_ids(request.POST.getlist("item"))
    action = request.POST.get("action")
    if not item_ids:
        messages.warning(request, "Select at least one item first.")
    elif action == "untag":
        count = services.untag_by_person(item_ids=item_ids, theme=theme, user=request.user)
        messages.success(request, f"Removed “{theme.name}” from {count} item(s).")
    else:
        count = services.tag_by_person(item_ids=item_ids, theme=theme, user=request.user)
        messages.success(request, f"Tagged {count} item(s) with “{theme.name}”.")
    if request.htmx:
        cut, form = parse_cut(request.GET)
        response = render(request, TEMPLATE + "#results", dashboard_context(request, cut, form))
        return response
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse("feedback:dashboard") + (f"?{query}" if query else ""))
