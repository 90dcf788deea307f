"""Per-user API tokens for scripts: a user creates, replaces and revokes their own; the browser uses the session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_create(*, user: object) -> Token:
    """A new token for the user; any previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: object) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """GET shows whether the user holds a token; POST action=create shows the new key once, action=revoke drops it."""
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_key = token_create(user=request.user).key
        elif action == "revoke":
            if token_revoke(user=request.user):
                messages.success(request, "Your API token is revoked: scripts using it now get 401.")
            return redirect("api-tokens")
        else:
            return render(request, "registration/api_tokens.html", {"error": "Unknown action."}, status=400)
    token = Token.objects.filter(user=request.user).first()
    return render(request, "registration/api_tokens.html", {"token": token, "new_key": new_key})
