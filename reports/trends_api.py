"""GET /api/v1/reports/trends/?weeks=26&segment=churn_risk — the trend report's numbers as JSON (same as the page)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.filters import segment_choices
from productops.navigation import PILLAR_ROLES
from reports.trends import DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS, TrendParams, report_as_dict
from reports.views.trends import cached_report


class TrendQuerySerializer(serializers.Serializer):
    weeks = serializers.IntegerField(
        required=False, min_value=MIN_WEEKS, max_value=MAX_WEEKS, default=DEFAULT_WEEKS
    )
    segment = serializers.ChoiceField(required=False, choices=[], allow_blank=True, default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segment_choices()


class TrendReportView(APIView):
    allowed_roles = PILLAR_ROLES["reports"]

    def get(self, request: Request) -> Response:
        query = TrendQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        params = TrendParams(
            weeks=query.validated_data["weeks"],
            segment=query.validated_data["segment"],
            today=timezone.localdate(),
        )
        return Response(report_as_dict(cached_report(params)))
