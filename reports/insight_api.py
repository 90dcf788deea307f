"""JSON API of the insight report: themes and weights in, the page's numbers out (live or from a saved report)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from productops.navigation import PILLAR_ROLES
from reports import insight_report
from reports.insight_params import MAX_DAYS, MIN_DAYS, InsightParams, check_weights, resolve_themes
from reports.insight_score import TERMS, default_weights, parse_weight
from reports.models import SavedInsightReport

REPORT_ROLES = PILLAR_ROLES["reports"]


class WeightField(serializers.CharField):
    def to_internal_value(self, data: Any) -> Decimal:
        try:
            return parse_weight(super().to_internal_value(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class WeightsSerializer(serializers.Serializer):
    """w_<term> query parameters; a missing one takes its default from settings."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields.update({f"w_{term.key}": WeightField(required=False) for term in TERMS})
        return fields

    def weights(self) -> dict[str, Decimal]:
        defaults = default_weights()
        data = self.validated_data
        return {term.key: data.get(f"w_{term.key}", defaults[term.key]) for term in TERMS}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        defaults = default_weights()
        try:
            check_weights({t.key: attrs.get(f"w_{t.key}", defaults[t.key]) for t in TERMS})
        except ValueError as exc:
            raise serializers.ValidationError({"weights": str(exc)}) from None
        return attrs


class InsightQuerySerializer(WeightsSerializer):
    themes = serializers.CharField(
        help_text="2-6 theme ids or slugs, comma-separated (or the parameter repeated)."
    )
    days = serializers.IntegerField(required=False, min_value=MIN_DAYS, max_value=MAX_DAYS)

    def validate_themes(self, value: str) -> list[Any]:
        raw = self.initial_data.getlist("themes") if hasattr(self.initial_data, "getlist") else value
        try:
            return resolve_themes(raw)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def params(self) -> InsightParams:
        return InsightParams(
            themes=self.validated_data["themes"],
            weights=self.weights(),
            days=self.validated_data.get("days") or settings.INSIGHT_WINDOW_DAYS,
        )


class InsightReportView(APIView):
    """GET /api/v1/reports/insight/?themes=1,2,3[&days=180][&w_pipeline=3...]"""

    allowed_roles = REPORT_ROLES

    @extend_schema(parameters=[InsightQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        query = InsightQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(insight_report.to_json(insight_report.live(query.params())))


class SavedInsightReportView(APIView):
    """GET /api/v1/reports/insight/saved/<id>/[?w_pipeline=...]: the saved numbers, optionally re-ranked."""

    allowed_roles = REPORT_ROLES

    @extend_schema(parameters=[WeightsSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        saved = get_object_or_404(SavedInsightReport, pk=pk)
        weights = None
        if any(f"w_{term.key}" in request.query_params for term in TERMS):
            query = WeightsSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            weights = query.weights()
        body = insight_report.to_json(insight_report.saved(saved, weights=weights))
        return Response({"id": saved.pk, "title": saved.title, **body})
