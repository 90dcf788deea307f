"""The OpenAPI schema (drf-spectacular) and Swagger UI, both for logged-in users only.

Swagger UI's files come from the drf-spectacular-sidecar package (no CDN), and its start-up script is served as a
separate file (the "split" view) so the Content-Security-Policy needs no inline script.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request

from productops.roles import ALL_ROLES


class SchemaView(SpectacularAPIView):
    allowed_roles = ALL_ROLES


class SwaggerView(SpectacularSwaggerSplitView):
    allowed_roles = ALL_ROLES

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)


_ERROR = {
    "type": "object",
    "description": "What was wrong: `detail`, or each field's name with its messages.",
    "additionalProperties": True,
}
_ERRORS = {
    "400": "Bad input: each offending field (or query parameter) with its messages.",
    "401": "Not logged in: send the session cookie or `Authorization: Token <key>`.",
    "403": "Your role may not do this (or, for a session, the CSRF check failed).",
    "404": "No such object.",
}


def _blank_urls(node: Any) -> None:
    """Optional link fields hold "" when empty: say so, or "" would not match `format: uri`."""
    if isinstance(node, dict):
        if "oneOf" in node:  # drf-spectacular's "a URL or blank" is a oneOf that "" would match twice below
            node["anyOf"] = node.pop("oneOf")
        if node.get("format") == "uri" and node.get("type") == "string":
            node.pop("format")
            node["anyOf"] = [{"format": "uri"}, {"maxLength": 0}]
        for value in node.values():
            _blank_urls(value)
    elif isinstance(node, list):
        for value in node:
            _blank_urls(value)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the errors every endpoint can answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _blank_urls(schemas)
    schemas["Error"] = _ERROR
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, text in _ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
