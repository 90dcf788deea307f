"""The Product Ops integrations page: connections, runs, rejected records, sync now, CSV uploads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from integrations import selectors, services
from integrations.forms import BlockerMapForm, CsvUploadForm
from integrations.models import Connection, RunStatus, SyncRun
from integrations.nps.imports import import_nps_csv
from integrations.registry import VENDORS, UnknownVendor
from integrations.tasks import sync_vendor
from integrations.usage import import_usage_csv
from productops.navigation import PILLAR_ROLES
from productops.roles import role_required
from uploads.services import csv_import_enqueue

PRODUCT_OPS = PILLAR_ROLES["integrations"]


def _page_context(form: CsvUploadForm | None = None, blocker_form: BlockerMapForm | None = None) -> dict:
    return {
        "states": selectors.connection_states(),
        "runs": selectors.recent_runs(),
        "rejects": selectors.open_rejects(),
        "upload_form": form or CsvUploadForm(),
        "unmatched_blockers": selectors.unmatched_blockers(),
        "blocker_form": blocker_form or BlockerMapForm(),
        # The theme choices once for every row's form (the form field would query them again for each row).
        "blocker_themes": list(BlockerMapForm.base_fields["theme"].queryset.only("pk", "name")),
    }


@role_required(*PRODUCT_OPS)
def index(request: HttpRequest) -> HttpResponse:
    context = _page_context()
    if request.htmx and request.GET.get("region") == "runs":
        return render(request, "integrations/index.html#runs", context)
    return render(request, "integrations/index.html", context)


@require_POST
@role_required(*PRODUCT_OPS)
def sync(request: HttpRequest, vendor: str) -> HttpResponse:
    if vendor not in VENDORS or not VENDORS[vendor].enabled:
        messages.error(request, f"{vendor} is not enabled; see the README for its settings.")
        return redirect("integrations:index")
    # Enqueued after commit: with a broker the page polls the runs list; without one (eager) it has already run.
    transaction.on_commit(lambda: sync_vendor.delay(vendor, "manual"))
    messages.info(request, f"{VENDORS[vendor].label} sync started.")
    if request.htmx:
        return render(request, "integrations/index.html#runs", _page_context())
    return redirect("integrations:index")


@require_POST
@role_required(*PRODUCT_OPS)
def retry_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    try:
        run = services.rejected_retry(connection=connection)
    except UnknownVendor as exc:
        messages.error(request, str(exc))
    else:
        if run.status == RunStatus.SKIPPED:
            messages.warning(request, f"{connection} is syncing right now; retry when the run has finished.")
        else:
            stored = run.fetched - run.rejected
            messages.success(
                request,
                f"Retried {run.fetched}: {stored} stored; {run.rejected} still rejected (reasons updated).",
            )
    return redirect("integrations:index")


@require_POST
@role_required(*PRODUCT_OPS)
def map_blocker(request: HttpRequest) -> HttpResponse:
    form = BlockerMapForm(request.POST)
    if not form.is_valid():
        return render(request, "integrations/index.html", _page_context(blocker_form=form), status=400)
    theme, name = form.cleaned_data["theme"], form.cleaned_data["name"]
    linked = services.blocker_map(name=name, theme=theme)
    messages.success(request, f"“{name}” now means {theme.name}: {linked} deal(s) linked.")
    return redirect("integrations:index")


@role_required(*PRODUCT_OPS)
def upload(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.CSV_IMPORT_INLINE_BYTES:
            csv_import_enqueue(
                kind=form.cleaned_data["kind"], data=upload.read(), filename=upload.name, user=request.user
            )
            messages.info(
                request, f"{upload.name} is being imported in the background: progress below the upload form."
            )
            return redirect("integrations:index")
        data = upload.read()
        importer = import_nps_csv if form.cleaned_data["kind"] == "nps" else import_usage_csv
        try:
            run = importer(data)
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            _report_run(request, run)
            return redirect("integrations:index")
    return render(request, "integrations/index.html", _page_context(form), status=400 if form.errors else 200)


def _report_run(request: HttpRequest, run: SyncRun) -> None:
    text = f"Imported: {run.created} new, {run.updated} updated"
    if run.rejected:
        lines = "; ".join(run.rejections.values_list("reason", flat=True)[:5])
        messages.warning(request, f"{text}, {run.rejected} rejected and kept for review ({lines}).")
    else:
        messages.success(request, f"{text}.")
