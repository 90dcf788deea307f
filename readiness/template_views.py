"""Product Ops edits the checklist templates each tier's checklists are opened from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from productops.roles import Role, has_any_role, role_required
from productops.validation import parse_id
from readiness.forms import TemplateItemForm
from readiness.models import ChecklistTemplate, TemplateItem


@role_required(Role.PRODUCT_OPS, Role.PM, Role.CPO)
def templates_index(request: HttpRequest) -> HttpResponse:
    templates = ChecklistTemplate.objects.prefetch_related("items")
    form, form_template = TemplateItemForm(), None
    if request.method == "POST":
        if not has_any_role(request.user, [Role.PRODUCT_OPS]):
            raise PermissionDenied("Only Product Ops edits templates.")
        form_template = get_object_or_404(ChecklistTemplate, pk=parse_id(request.POST.get("template")) or 0)
        form = TemplateItemForm(request.POST)
        if form.is_valid():
            item = form.save(commit=False)
            item.template = form_template
            item.position = form_template.items.count()
            item.save()
            messages.success(request, f"Added “{item.title}” to the {form_template.name} template.")
            return redirect("readiness:templates")
    context = {
        "templates": templates,
        "form": form,
        "form_template": form_template,
        "blank_form": TemplateItemForm(),
    }
    return render(request, "readiness/templates.html", context, status=400 if form.errors else 200)


@role_required(Role.PRODUCT_OPS)
def template_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(TemplateItem.objects.select_related("template"), pk=pk)
    form = TemplateItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Template item saved. Checklists opened from now on use it.")
        return redirect("readiness:templates")
    return render(request, "readiness/template_item.html", {"form": form, "item": item})


@require_POST
@role_required(Role.PRODUCT_OPS)
def template_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(TemplateItem, pk=pk)
    item.delete()
    messages.success(request, f"Removed “{item.title}” from the template.")
    return redirect("readiness:templates")
