"""/roadmap/: lives in the digest app because, like the digest, it is a read-only communication view over
readiness and feedback for every role; the readiness app keeps to checklists and kits."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from digest.forms import RoadmapFilterForm
from digest.roadmap import COLUMNS, end_of_next_quarter
from digest.roadmap import roadmap as roadmap_rows
from productops.navigation import PILLAR_ROLES
from productops.page_cache import cached_page
from productops.roles import Role, has_any_role, role_required


@role_required(*PILLAR_ROLES["roadmap"])
@cached_page
def roadmap(request: HttpRequest) -> HttpResponse:
    form = RoadmapFilterForm(request.GET or None)
    today = timezone.localdate()
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    rows = (
        roadmap_rows(today=today, user=request.user, area=data.get("area"), only_mine=bool(data.get("mine")))
        if valid
        else []
    )
    context = {
        "form": form,
        "rows": rows,
        "columns": COLUMNS,
        "next_quarter_end": end_of_next_quarter(today),
        "can_manage_areas": has_any_role(request.user, [Role.PRODUCT_OPS]),
        "filtered": bool(data.get("area") or data.get("mine")),
    }
    return render(request, "digest/roadmap.html", context, status=200 if valid else 400)
