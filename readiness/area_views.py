"""Product areas: the short list Product Ops keeps (a release belongs to one; the roadmap and digest group by it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from productops.navigation import PILLAR_ROLES
from productops.roles import Role, has_any_role, role_required
from readiness import services
from readiness.forms import ProductAreaForm
from readiness.models import ProductArea

MANAGE_ROLES = (Role.PRODUCT_OPS,)


@role_required(*PILLAR_ROLES["readiness"])
def areas_index(request: HttpRequest) -> HttpResponse:
    can_manage = has_any_role(request.user, MANAGE_ROLES)
    form = ProductAreaForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only Product Ops manages product areas.")
        form = ProductAreaForm(request.POST)
        if form.is_valid():
            area = services.product_area_save(area=form.save(commit=False))
            messages.success(request, f"Added the product area {area.name}.")
            return redirect("readiness:areas")
    context = {"areas": services.product_areas_with_counts(), "form": form, "can_manage": can_manage}
    return render(request, "readiness/areas.html", context, status=400 if form.errors else 200)


@role_required(*MANAGE_ROLES)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(ProductArea, pk=pk)
    form = ProductAreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        services.product_area_save(area=form.save(commit=False))
        messages.success(request, f"Saved {area.name}.")
        return redirect("readiness:areas")
    return render(
        request, "readiness/area_form.html", {"form": form, "area": area}, status=400 if form.errors else 200
    )


@require_POST
@role_required(*MANAGE_ROLES)
def area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(ProductArea, pk=pk)
    in_use = area.releases.count()
    if in_use:
        messages.error(
            request, f"{area.name} is used by {in_use} release{'s' * (in_use != 1)}: move them first."
        )
    else:
        services.product_area_delete(area=area)
        messages.success(request, f"Deleted {area.name}.")
    return redirect("readiness:areas")
