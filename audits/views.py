from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from productops.navigation import PILLAR_ROLES
from productops.roles import role_required


@role_required(*PILLAR_ROLES["audits"])
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "audits/index.html")
