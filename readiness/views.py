from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from productops.navigation import PILLAR_ROLES
from productops.roles import role_required


@role_required(*PILLAR_ROLES["readiness"])
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "readiness/index.html")
