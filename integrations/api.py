"""The integrations API: the signed NPS webhook (HMAC over the body, no user session) and the sync-run list."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone
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
    """The signature covers the exact bytes sent, so the body is verified before anything parses it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return stream.read()


class NpsWebhook(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]  # the HMAC signature below is the authentication
    parser_classes = [RawBodyParser]

    def post(self, request: Request) -> Response:
        body: bytes = request.data if isinstance(request.data, bytes) else b""
        problem = verify_signature(
            secret=settings.NPS_WEBHOOK_SECRET,
            timestamp=request.headers.get("X-Timestamp", ""),
            signature=request.headers.get("X-Signature", ""),
            body=body,
            now=timezone.now(),
            max_age=settings.NPS_WEBHOOK_MAX_AGE_SECONDS,
        )
        if problem:
            return Response({"detail": f"Unauthorized: {problem}."}, status=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return Response({"body": "must be JSON: one response object or a list of them"}, status=400)
        if not isinstance(payload, dict | list):
            return Response({"body": "must be a JSON object or list"}, status=400)
        run = import_nps_payload(payload)
        rejected = list(run.rejections.values("external_id", "reason"))
        return Response(
            {"run": run.pk, "created": run.created, "updated": run.updated, "rejected": rejected},
            status=200 if not rejected else 207,
        )


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
