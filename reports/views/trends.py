"""The CPO's landing (/reports/), the trend report (/reports/trends/) and "create theme from this cluster"."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback import cache as store_cache
from feedback.permissions import CURATE_ROLES, READ_ROLES
from productops.navigation import PILLAR_ROLES
from productops.page_cache import cached_page
from productops.roles import has_any_role, role_required
from readiness.models import Release
from reports import rollups, summary_sources, trends_charts
from reports.models import CpoSummary
from reports.trends import TEST_NAME, TrendParams, TrendReport, trend_report
from reports.trends_clusters import Cluster, emerging_themes, untagged_clusters
from reports.trends_forms import ClusterThemeForm, TrendForm
from reports.trends_launches import LaunchOutcome, recent_launches
from reports.trends_services import ClusterError, theme_create_from_cluster

REPORT_ROLES = PILLAR_ROLES["reports"]


def cached_report(params: TrendParams) -> TrendReport:
    """The report, reused until the store changes (feedback.cache keys on the store's generation) or the
    pre-aggregates are refreshed (a refresh writes no store table, yet changes the complete weeks' figures)."""
    key = f"{params.weeks}:{params.segment}:{params.today}:{settings.TRENDS_RECENT_WEEKS}:{settings.TRENDS_BASELINE_WEEKS}"
    key += f":{rollups.version()}"
    return store_cache.cached("trends", key, lambda: trend_report(params))


def cached_launches(today: date, *, weeks: int = 8) -> list[LaunchOutcome]:
    """Recent launch outcomes, reused until the store or a release changes (releases' own edits move updated_at)."""
    stamp = Release.objects.aggregate(at=Max("updated_at"), n=Count("id"))
    key = f"{today}:{weeks}:{stamp['at'].timestamp() if stamp['at'] else 0}:{stamp['n']}"
    return store_cache.cached("trends-launches", key, lambda: recent_launches(today=today, weeks=weeks))


def cached_clusters(today: date) -> list[Cluster]:
    return store_cache.cached("trends-clusters", str(today), lambda: untagged_clusters(today=today))


def _help() -> dict[str, Any]:
    return {
        "test_name": TEST_NAME,
        "recent_weeks": settings.TRENDS_RECENT_WEEKS,
        "baseline_weeks": settings.TRENDS_BASELINE_WEEKS,
        "fdr_percent": round(settings.TRENDS_FDR * 100),
        "min_recent": settings.TRENDS_MIN_RECENT,
    }


@role_required(*REPORT_ROLES)
@cached_page
def landing(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    report = cached_report(TrendParams(today=today))
    context = {
        "report": report,
        "churn": report.rising("churn")[:5],
        "expansion": report.rising("expansion")[:5],
        "launches": cached_launches(today),
        "summaries": list(CpoSummary.objects.only("pk", "week_start", "subject")[:6]),
        "charts": trends_charts.signal_charts(report, top=3),
        "efficiency": summary_sources.efficiency_charts(),
        **_help(),
    }
    return render(request, "reports/trends/landing.html", context)


def _trend_context(request: HttpRequest, form: TrendForm, report: TrendReport | None) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "report": report, **_help()}
    context["can_curate"] = has_any_role(request.user, CURATE_ROLES)
    context["can_read_verbatims"] = has_any_role(request.user, READ_ROLES)
    if report is not None:
        context["charts"] = trends_charts.theme_charts(report)
        context["signal_charts"] = trends_charts.signal_charts(report, top=3)
        context["emerging"] = emerging_themes(report)
        context["clusters"] = cached_clusters(timezone.localdate()) if context["can_read_verbatims"] else []
    return context


@role_required(*REPORT_ROLES)
@cached_page
def trends(request: HttpRequest) -> HttpResponse:
    form = TrendForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reports/trends/page.html", _trend_context(request, form, None), status=400)
    data = form.cleaned_data if request.GET else {}
    params = TrendParams(
        weeks=data.get("weeks") or TrendForm.base_fields["weeks"].initial,
        segment=data.get("segment") or "",
        today=timezone.localdate(),
    )
    report = cached_report(params)
    return render(request, "reports/trends/page.html", _trend_context(request, form, report))


@require_POST
@role_required(*CURATE_ROLES)
def cluster_create_theme(request: HttpRequest) -> HttpResponse:
    form = ClusterThemeForm(request.POST)
    if form.is_valid():
        try:
            theme = theme_create_from_cluster(
                name=form.cleaned_data["name"], item_ids=form.cleaned_data["item_ids"], user=request.user
            )
        except ClusterError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Theme “{theme.name}” created with the cluster's items.")
            return redirect("feedback:theme", pk=theme.pk)
    report = cached_report(TrendParams(today=timezone.localdate()))
    context = _trend_context(request, TrendForm(), report)
    context["cluster_form"] = form
    context["cluster_items"] = request.POST.get("item_ids", "")
    return render(request, "reports/trends/page.html", context, status=400)
