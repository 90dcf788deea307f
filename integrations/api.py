"""The integrations API: the signed NPS webhook (HMAC over the body, no user session) and the sync-run list.

Nothing is read from an anonymous webhook request until it has shown its headers are plausible: the secret is
configured, the signature and a fresh timestamp are present, and Content-Length is within NPS_WEBHOOK_MAX_BYTES.
Only then is the body read, at most that many bytes, and its signature checked. A 1 GiB POST costs a header check.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.models import SyncRun
from integrations.nps.imports import import_nps_payload
from integrations.nps.mapping import verify_signature
from productops.roles import Role


class RawBodyParser(BaseParser):
    """Documents the body for the schema; the view reads the bytes itself, within its limit, never through this."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        raise NotImplementedError("NpsWebhook reads its body itself")


def _content_length(request: Request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _fresh(timestamp: str) -> bool:
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 19):
        return False
    return abs(timezone.now().timestamp() - int(timestamp)) <= settings.NPS_WEBHOOK_MAX_AGE_SECONDS


_RESULT = inline_serializer(
    "NpsWebhookResult",
    {
        "run": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "rejected": inline_serializer(
            "NpsReject",
            {"external_id": serializers.CharField(), "reason": serializers.CharField()},
            many=True,
        ),
    },
)


class NpsWebhook(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]  # the HMAC signature below is the authentication
    parser_classes = [RawBodyParser]

    @extend_schema(
        summary="Signed NPS responses (Delighted-style), one object or a list",
        request={
            "application/json": {
                "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]
            }
        },
        parameters=[
            OpenApiParameter("X-Timestamp", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Signature", str, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            200: _RESULT,
            207: OpenApiResponse(
                _RESULT, description="Some responses were kept as rejects, the rest stored."
            ),
            411: OpenApiResponse(description="No Content-Length."),
            413: OpenApiResponse(description="Body larger than NPS_WEBHOOK_MAX_BYTES."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        timestamp = request.headers.get("X-Timestamp", "")
        signature = request.headers.get("X-Signature", "")
        if not settings.NPS_WEBHOOK_SECRET or not timestamp or not signature:
            return self._unauthorized("the webhook has no secret configured (NPS_WEBHOOK_SECRET)"
                                      if not settings.NPS_WEBHOOK_SECRET
                                      else "missing X-Signature or X-Timestamp header")  # fmt: skip
        if not _fresh(timestamp):
            return self._unauthorized("stale or malformed X-Timestamp: replays are refused")
        length = _content_length(request)
        if length is None:
            return Response({"detail": "Content-Length is required."}, status=411)
        limit = settings.NPS_WEBHOOK_MAX_BYTES
        if length > limit:
            return Response({"detail": f"The body is larger than {limit} bytes."}, status=413)
        body = request._request.read(length)  # at most `limit` bytes: Django's stream stops at Content-Length
        problem = verify_signature(
            secret=settings.NPS_WEBHOOK_SECRET,
            timestamp=timestamp,
            signature=signature,
            body=body,
            now=timezone.now(),
            max_age=settings.NPS_WEBHOOK_MAX_AGE_SECONDS,
        )
        if problem:
            return self._unauthorized(problem)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return Response({"body": "must be JSON: one response object or a list of them"}, status=400)
        if not isinstance(payload, dict | list):
            return Response({"body": "must be a JSON object or list"}, status=400)
        run = import_nps_payload(payload)
        rejected = list(run.rejections.values("external_id", "reason"))
        return Response(
            {"run": run.pk, "created": run.created, "updated": run.updated, "rejected": rejected},
            status=200 if not rejected else 207,
        )

    @staticmethod
    def _unauthorized(problem: str) -> Response:
        return Response({"detail": f"Unauthorized: {problem}."}, status=401)


class SyncRunSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="connection.vendor")
    stream = serializers.CharField(source="connection.stream")
    started = serializers.DateTimeField(source="started_at")
    finished = serializers.DateTimeField(source="finished_at")
    stored = serializers.SerializerMethodField()
    error_message = serializers.CharField(source="error")

    class Meta:
        model = SyncRun
        fields = ["id", "vendor", "stream", "status", "trigger", "started", "finished", "fetched", "stored",
                  "created", "updated", "deleted", "rejected", "retries", "error_message"]  # fmt: skip

    def get_stored(self, run: SyncRun) -> int:
        return run.created + run.updated


class SyncRunList(ListAPIView):
    """Recent sync runs, newest first (Product Ops): what the integrations page shows, for scripts and alerts."""

    allowed_roles = frozenset({Role.PRODUCT_OPS})
    serializer_class = SyncRunSerializer
    queryset = SyncRun.objects.select_related("connection").order_by("-started_at", "-id")
