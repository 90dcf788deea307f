"""JSON API of the review decision log: list (optionally one theme's) and create."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from feedback.models import Theme
from productops.navigation import PILLAR_ROLES
from reports import review_selectors
from reports.models import Decision, DecisionOutcome, Review
from reports.review_services import DecisionError, decision_record

REVIEW_ROLES = PILLAR_ROLES["reports"]


class DecisionSerializer(serializers.ModelSerializer):
    theme = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.filter(merged_into__isnull=True))
    theme_name = serializers.CharField(source="theme.name", read_only=True)
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    merge_into = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.filter(merged_into__isnull=True), required=False, allow_null=True
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    review = serializers.PrimaryKeyRelatedField(
        queryset=Review.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "theme",
            "theme_name",
            "outcome",
            "merge_into",
            "owner",
            "note",
            "review",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["id", "decided_at"]


class DecisionList(generics.ListCreateAPIView):
    """GET /api/v1/reports/decisions/[?theme=<id>], newest first; POST records a decision."""

    allowed_roles = REVIEW_ROLES
    serializer_class = DecisionSerializer

    def get_queryset(self) -> Any:
        qs = review_selectors.decisions()
        raw = self.request.query_params.get("theme")
        if raw is not None:
            if not raw.isdigit():
                raise ValidationError({"theme": ["Must be a theme id."]})
            qs = qs.filter(theme_id=int(raw))
        return qs

    def perform_create(self, serializer: DecisionSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = decision_record(
                theme=data["theme"],
                outcome=data["outcome"],
                merge_into=data.get("merge_into"),
                owner=data.get("owner"),
                note=data.get("note", ""),
                review=data.get("review"),
                user=self.request.user,
            )
        except DecisionError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
