from __future__ import annotations

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from feedback.models import FeedbackItem, Source
from productops.navigation import PILLAR_ROLES
from productops.roles import role_required


@role_required(*PILLAR_ROLES["integrations"])
def index(request: HttpRequest) -> HttpResponse:
    by_source = {
        row["source"]: row
        for row in FeedbackItem.objects.values("source").annotate(n=Count("id"), latest=Max("occurred_at"))
    }
    sources = [
        {
            "label": label,
            "count": by_source.get(key, {}).get("n", 0),
            "latest": by_source.get(key, {}).get("latest"),
        }
        for key, label in Source.choices
    ]
    return render(request, "integrations/index.html", {"sources": sources})
