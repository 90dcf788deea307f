"""Logging feedback on a customer's behalf (Sales, CSMs, PMs, Product Ops)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from feedback import services
from feedback.forms import ManualFeedbackForm
from productops.roles import Role, has_any_role, role_required

LOG_ROLES = (Role.SALES, Role.CSM, Role.PM, Role.PRODUCT_OPS)


@role_required(*LOG_ROLES)
def log_feedback(request: HttpRequest) -> HttpResponse:
    form = ManualFeedbackForm(request.POST or None, initial={"account": request.GET.get("account", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        day = data["occurred_at"]
        item = services.item_create_manual(
            account=data["account"], title=data["title"], body=data["body"], user=request.user,
            author=data["author"], url=data["url"],
            occurred_at=datetime.combine(day, time(12), tzinfo=UTC) if day else None,
        )  # fmt: skip
        messages.success(request, f"Logged “{item.title}” for {item.account.name}. Thank you.")
        if has_any_role(request.user, [Role.PM, Role.PRODUCT_OPS, Role.CSM]):
            return redirect("feedback:account", pk=item.account_id)
        return redirect("feedback:log")
    return render(request, "feedback/log.html", {"form": form}, status=400 if form.errors else 200)
