"""Strategic Insight report pages: build (pick themes, weights), saved reports, CSV, and the drill-downs behind numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.filters import Cut, items_for
from feedback.models import Opportunity, OpportunityStatus, Source, Theme
from feedback.permissions import READ_ROLES
from productops.navigation import PILLAR_ROLES
from productops.roles import has_any_role, role_required
from reports import insight_report, review_selectors
from reports.insight import DETRACTOR_MAX
from reports.insight_params import MAX_THEMES, MIN_THEMES, InsightForm, InsightParams
from reports.insight_score import TERMS, default_weights, parse_weight
from reports.insight_services import saved_report_create
from reports.models import SavedInsightReport

REPORT_ROLES = PILLAR_ROLES["reports"]
DEAL_LIST_LIMIT = 500
RECORD_LIST_LIMIT = 200


def _picker_context(form: InsightForm, *, preselect: str = "") -> dict[str, Any]:
    picked = {preselect} if preselect else set()
    if form.is_bound:
        for part in form.data.get("themes", "").split(","):
            picked.add(part.strip())
    themes = list(
        Theme.objects.filter(merged_into__isnull=True)
        .annotate(deals=Count("blocked_opportunities"))
        .order_by("name")
        .values("pk", "name", "slug", "deals")
    )
    for theme in themes:
        theme["picked"] = str(theme["pk"]) in picked or theme["slug"] in picked
    weights = {term.key: form.data.get(f"w_{term.key}", "") for term in TERMS} if form.is_bound else {}
    defaults = default_weights()
    return {
        "form": form,
        "all_themes": themes,
        "weight_inputs": [
            {
                "key": term.key,
                "label": term.label,
                "value": weights.get(term.key) or f"{defaults[term.key]:f}",
                "errors": form.errors.get(f"w_{term.key}", []) if form.is_bound else [],
            }
            for term in TERMS
        ],
        "min_themes": MIN_THEMES,
        "max_themes": MAX_THEMES,
        "saved_reports": SavedInsightReport.objects.select_related("created_by").defer("figures")[:10],
    }


def _report_context(report: dict[str, Any], params_query: str) -> dict[str, Any]:
    theme_ids = [row["id"] for row in report["rows"]]
    return {
        "report": report,
        "chart": insight_report.trend_chart(report),
        "decisions": review_selectors.latest_decisions(theme_ids),
        "params_query": params_query,
        "detractor_max": DETRACTOR_MAX,
    }


@role_required(*REPORT_ROLES)
def insight_page(request: HttpRequest) -> HttpResponse:
    if "themes" not in request.GET:
        # ?pick=<id> comes from a theme page: start the comparison with that theme ticked.
        context = _picker_context(InsightForm(), preselect=request.GET.get("pick", "")[:20])
        return render(request, "reports/insight.html", context)
    form = InsightForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/insight.html", _picker_context(form), status=400)
    params = form.params()
    report = insight_report.live(params)
    context = {**_picker_context(form), **_report_context(report, params.querystring())}
    return render(request, "reports/insight.html", context)


@role_required(*REPORT_ROLES)
def insight_csv(request: HttpRequest) -> HttpResponse:
    form = InsightForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/insight.html", _picker_context(form), status=400)
    report = insight_report.live(form.params())
    return _csv_response(report, f"insight-{timezone.localdate().isoformat()}.csv")


def _csv_response(report: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(insight_report.to_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@role_required(*REPORT_ROLES)
def insight_save(request: HttpRequest) -> HttpResponse:
    form = InsightForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/insight.html", _picker_context(form), status=400)
    saved = saved_report_create(params=form.params(), user=request.user, title=request.POST.get("title", ""))
    messages.success(request, "Saved. This address shows the same numbers to anyone you share it with.")
    return redirect("reports:insight-saved", saved.pk)


def _saved_weights(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Weights tried on a saved report (?w_pipeline=...), or None to use the stored ones; errors by parameter."""
    if not any(f"w_{term.key}" in request.GET for term in TERMS):
        return None, {}
    weights, errors = {}, {}
    for term in TERMS:
        raw = request.GET.get(f"w_{term.key}", "").strip()
        try:
            weights[term.key] = parse_weight(raw) if raw else default_weights()[term.key]
        except ValueError as exc:
            errors[f"w_{term.key}"] = f"{term.label}: {exc}"
    if not errors and not any(weights.values()):
        errors["weights"] = "At least one weight must be above 0, or nothing can be ranked."
    return (None if errors else weights), errors


@role_required(*REPORT_ROLES)
def insight_saved(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedInsightReport.objects.select_related("created_by"), pk=pk)
    weights, errors = _saved_weights(request)
    report = insight_report.saved(saved, weights=weights)
    query = "&".join(f"w_{key}={value:f}" for key, value in report["weights"].items())
    context = {
        **_report_context(report, query),
        "saved": saved,
        "weight_inputs": [
            {
                "key": term.key,
                "label": term.label,
                "value": request.GET.get(f"w_{term.key}") or f"{report['weights'][term.key]:f}",
                "errors": [errors[f"w_{term.key}"]] if f"w_{term.key}" in errors else [],
            }
            for term in TERMS
        ],
        "weight_errors": errors,
        "live_query": InsightParams(
            themes=[], weights=report["weights"], days=(saved.window_end - saved.window_start).days + 1
        ).querystring(themes=",".join(str(pk) for pk in saved.theme_ids)),
    }
    return render(request, "reports/insight_saved.html", context, status=400 if errors else 200)


@role_required(*REPORT_ROLES)
def insight_saved_csv(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedInsightReport, pk=pk)
    weights, errors = _saved_weights(request)
    if errors:
        return HttpResponse("; ".join(errors.values()), status=400, content_type="text/plain")
    return _csv_response(insight_report.saved(saved, weights=weights), f"insight-saved-{saved.pk}.csv")


def _theme_from(request: HttpRequest) -> Theme:
    raw = request.GET.get("theme", "")
    if not raw.isdigit():
        raise Http404("No theme given.")
    return get_object_or_404(Theme, pk=int(raw))


@role_required(*REPORT_ROLES)
def insight_deals(request: HttpRequest) -> HttpResponse:
    """The open deals behind a theme's "open pipeline blocked" figure, biggest first, unknown amounts last."""
    theme = _theme_from(request)
    deals = (
        Opportunity.objects.filter(status=OpportunityStatus.OPEN, blocking_themes=theme)
        .select_related("account")
        .prefetch_related("blocking_themes")
        .order_by(F("amount").desc(nulls_last=True), "close_date", "pk")
    )
    rows = list(deals[: DEAL_LIST_LIMIT + 1])
    context = {
        "theme": theme,
        "deals": rows[:DEAL_LIST_LIMIT],
        "truncated": len(rows) > DEAL_LIST_LIMIT,
        "limit": DEAL_LIST_LIMIT,
    }
    return render(request, "reports/insight_deals.html", context)


@role_required(*REPORT_ROLES)
def insight_detractors(request: HttpRequest) -> HttpResponse:
    """The NPS detractor comments behind a theme's figure, over the report's window."""
    if not has_any_role(request.user, READ_ROLES):
        raise PermissionDenied("Your role may not read customer comments.")
    theme = _theme_from(request)
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        raise Http404("start and end must be dates like 2026-01-31.") from None
    cut = Cut(theme_id=theme.pk, sources=(Source.NPS,), start=start, end=end)
    items = (
        items_for(cut)
        .filter(nps_score__lte=DETRACTOR_MAX)
        .select_related("account")
        .defer("raw")
        .order_by("-occurred_at", "-id")
    )
    rows = list(items[: RECORD_LIST_LIMIT + 1])
    context = {
        "theme": theme,
        "items": rows[:RECORD_LIST_LIMIT],
        "truncated": len(rows) > RECORD_LIST_LIMIT,
        "limit": RECORD_LIST_LIMIT,
        "start": start,
        "end": end,
        "detractor_max": DETRACTOR_MAX,
        "cut": cut.querystring(),
    }
    return render(request, "reports/insight_detractors.html", context)


__all__ = [
    "InsightParams",
    "insight_csv",
    "insight_deals",
    "insight_detractors",
    "insight_page",
    "insight_save",
    "insight_saved",
    "insight_saved_csv",
]
