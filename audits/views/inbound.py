"""The inbound-question log: browse, log by hand, import a CSV, override a class; and the classifier's rules."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audits import inbound_selectors, inbound_services
from audits.forms import CsvImportForm, InboundLogForm, RuleForm
from audits.models import Category, ClassifierRule, InboundQuestion, InboundSource, Team
from audits.views.access import INBOUND_LOG_ROLES, INBOUND_READ_ROLES, OPS_ROLES
from productops.roles import has_any_role, role_required


def _log_page(
    request: HttpRequest,
    *,
    log_form: InboundLogForm | None = None,
    csv_form: CsvImportForm | None = None,
    import_errors: list[tuple[int, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    category = request.GET.get("category", "")
    team = request.GET.get("team", "")
    category = category if category in Category.values else ""
    team = team if team in Team.values else ""
    page = Paginator(inbound_selectors.inbound_log(category=category, team=team), 50).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "page": page,
        "category": category,
        "team": team,
        "categories": Category.choices,
        "teams": Team.choices,
        "quality": inbound_selectors.inbound_quality_over_time(team=team),
        "can_log": has_any_role(request.user, INBOUND_LOG_ROLES),
        "can_override": has_any_role(request.user, OPS_ROLES),
        "log_form": log_form or InboundLogForm(),
        "csv_form": csv_form or CsvImportForm(),
        "import_errors": import_errors,
    }
    return render(request, "audits/inbound.html", context, status=status)


def _changed(count: int | None) -> str:
    if count is None:
        return "the log is being re-classified in the background."
    return f"{count} question{'s' * (count != 1)} changed class."


@role_required(*INBOUND_READ_ROLES)
def inbound_log(request: HttpRequest) -> HttpResponse:
    return _log_page(request)


@require_POST
@role_required(*INBOUND_LOG_ROLES)
def inbound_add(request: HttpRequest) -> HttpResponse:
    form = InboundLogForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        asked_at = (
            timezone.make_aware(datetime.combine(data["asked_on"], time(12, 0))) if data["asked_on"] else None
        )
        inbound_services.inbound_create(
            text=data["text"],
            source=InboundSource.MANUAL,
            team=data["team"],
            asker_name=data["asker_name"],
            asked_of=data["asked_of"],
            asked_at=asked_at,
            override_category=data["category"],
            actor=request.user,
        )
        messages.success(request, "Question logged.")
        return redirect("audits:inbound")
    return _log_page(request, log_form=form, status=400)


@require_POST
@role_required(*INBOUND_LOG_ROLES)
def inbound_import(request: HttpRequest) -> HttpResponse:
    form = CsvImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _log_page(request, csv_form=form, status=400)
    result = inbound_services.inbound_import_csv(content=form.cleaned_data["file"], actor=request.user)
    if result.created:
        messages.success(request, f"Imported {result.created} question{'s' * (result.created != 1)}.")
    if result.errors:
        return _log_page(request, import_errors=result.errors, status=400)
    return redirect("audits:inbound")


@require_POST
@role_required(*OPS_ROLES)
def inbound_override(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(InboundQuestion, pk=pk)
    try:
        inbound_services.inbound_override(
            question=question, category=request.POST.get("category", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    # `next` is where the form came from: a local path only (not a view name to reverse, not another site).
    target = request.POST.get("next", "")
    local = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    )
    return redirect(target if local else "audits:inbound")


def _rules_page(
    request: HttpRequest,
    *,
    form: RuleForm | None = None,
    edit: ClassifierRule | None = None,
    status: int = 200,
) -> HttpResponse:
    rules = list(ClassifierRule.objects.order_by("position", "id"))
    context = {
        "rules": rules,
        "form": form or RuleForm(initial={"kind": "phrase", "enabled": True}),
        "edit": edit,
        "forms": {
            rule.pk: (form if edit and edit.pk == rule.pk else RuleForm(instance=rule, prefix=f"r{rule.pk}"))
            for rule in rules
        },
    }
    return render(request, "audits/rules.html", context, status=status)


@role_required(*OPS_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            changed = inbound_services.rule_save(rule=form.save(commit=False))
            messages.success(request, "Rule added; " + _changed(changed))
            return redirect("audits:rules")
        return _rules_page(request, form=form, status=400)
    return _rules_page(request)


@require_POST
@role_required(*OPS_ROLES)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ClassifierRule, pk=pk)
    if "delete" in request.POST:
        changed = inbound_services.rule_delete(rule=rule)
        messages.success(request, "Rule deleted; " + _changed(changed))
        return redirect("audits:rules")
    form = RuleForm(request.POST, instance=rule, prefix=f"r{rule.pk}")
    if form.is_valid():
        changed = inbound_services.rule_save(rule=form.save(commit=False))
        messages.success(request, "Rule saved; " + _changed(changed))
        return redirect("audits:rules")
    return _rules_page(request, form=form, edit=rule, status=400)
