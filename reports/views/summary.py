"""The weekly CPO summaries, kept as pages: what was drafted and emailed, with who received it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from productops.navigation import PILLAR_ROLES
from productops.roles import role_required
from reports.models import CpoSummary

REPORT_ROLES = PILLAR_ROLES["reports"]


@role_required(*REPORT_ROLES)
def summary_list(request: HttpRequest) -> HttpResponse:
    summaries = CpoSummary.objects.only("pk", "week_start", "subject", "drafted_at")[:52]
    return render(request, "reports/trends/summary_list.html", {"summaries": summaries})


@role_required(*REPORT_ROLES)
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(CpoSummary, pk=pk)
    deliveries = list(summary.deliveries.order_by("sent_at").values_list("email", "sent_at"))
    context = {"summary": summary, "c": summary.content, "deliveries": deliveries}
    return render(request, "reports/trends/summary_detail.html", context)
