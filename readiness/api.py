"""Readiness API: releases (CRUD for PM / Product Ops), checklist items (tick / untick / owner / due), summaries."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.models import Theme
from productops.navigation import PILLAR_ROLES
from productops.roles import Role
from readiness import selectors, services
from readiness.models import ChecklistItem, ProductArea, Release


def _as_drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class ReleaseSerializer(serializers.ModelSerializer):
    pm_owner = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    product_area = serializers.SlugRelatedField(
        slug_field="slug", queryset=ProductArea.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Release
        fields = [
            "id", "name", "description", "customer_change", "launch_date", "tier", "product_area", "status", "pm_owner", "themes",
            "video_url", "in_app_guide_url", "help_article_url", "checklist_opened_at",
        ]  # fmt: skip
        read_only_fields = ["checklist_opened_at"]

    def validate_launch_date(self, value: Any) -> Any:
        try:
            services.validate_launch_date(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["launch_date"]) from exc
        return value

    def validate_pm_owner(self, user: Any) -> Any:
        if not user.groups.filter(name=Role.PM).exists():
            raise serializers.ValidationError(f"{user.username} is not a PM.")
        return user


class ChecklistItemSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id", "release", "title", "category", "owner_role", "owner", "due_date", "needs_evidence",
            "evidence_url", "done_at", "done_by",
        ]  # fmt: skip
        read_only_fields = fields


class TickSerializer(serializers.Serializer):
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class ItemUpdateSerializer(serializers.Serializer):
    owner = serializers.CharField(required=False, max_length=150)
    due_date = serializers.DateField(required=False)


class ReadinessSummarySerializer(serializers.Serializer):
    """Documents the readiness summary's shape for the schema."""

    release = serializers.IntegerField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_within_week = serializers.IntegerField()
    days_to_launch = serializers.IntegerField()
    risk = serializers.CharField()
    risk_score = serializers.IntegerField()
    headline = serializers.CharField()
    categories = inline_serializer(
        "ReadinessCategory",
        {
            "category": serializers.CharField(),
            "done": serializers.IntegerField(),
            "total": serializers.IntegerField(),
            "percent": serializers.IntegerField(),
        },
        many=True,
    )


class ReleaseViewSet(viewsets.ModelViewSet):
    allowed_roles = PILLAR_ROLES["readiness"]
    write_roles = (Role.PM, Role.PRODUCT_OPS)
    serializer_class = ReleaseSerializer
    queryset = (
        Release.objects.select_related("pm_owner", "product_area")
        .prefetch_related("themes")
        .order_by("launch_date", "id")
    )

    # Both go through services.release_save, as the web form does: the same input gives the same release, the same
    # affected accounts and the same moved due dates whichever way it comes in.
    def perform_create(self, serializer: ReleaseSerializer) -> None:
        data = dict(serializer.validated_data)
        themes, launch_date = data.pop("themes", None), data.pop("launch_date")
        release = Release(**data)
        services.release_save(
            release=release, launch_date=launch_date, actor=self.request.user, themes=themes
        )
        serializer.instance = release

    def perform_update(self, serializer: ReleaseSerializer) -> None:
        release = serializer.instance
        if services.is_frozen(release):
            raise PermissionDenied(services.FROZEN)
        data = dict(serializer.validated_data)
        themes, launch_date = data.pop("themes", None), data.pop("launch_date", release.launch_date)
        for field_name, value in data.items():
            setattr(release, field_name, value)
        services.release_save(
            release=release, launch_date=launch_date, actor=self.request.user, themes=themes
        )

    def perform_destroy(self, instance: Release) -> None:
        if services.is_frozen(instance):
            raise PermissionDenied(services.FROZEN)
        instance.delete()

    @extend_schema(responses=ReadinessSummarySerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request: Request, pk: str | None = None) -> Response:
        release = self.get_object()
        summary = selectors.release_readiness(release, timezone.localdate())
        return Response(
            {
                "release": release.pk,
                "total": summary.total,
                "done": summary.done,
                "percent": summary.percent,
                "overdue": summary.overdue,
                "due_within_week": summary.due_within_week,
                "days_to_launch": summary.days_to_launch,
                "risk": summary.risk,
                "risk_score": summary.risk_score,
                "headline": summary.headline,
                "categories": [
                    {"category": c.key, "done": c.done, "total": c.total, "percent": c.percent}
                    for c in summary.categories
                ],
            }
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("release", int, description="Only this release's items.")]
    )
)
class ChecklistItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read for every readiness role; tick / untick for owners, their role, CSMs and Product Ops."""

    allowed_roles = PILLAR_ROLES["readiness"]
    write_roles = (Role.PM, Role.PRODUCT_OPS, Role.CSM, Role.SALES, Role.CPO)  # object rules live in services
    serializer_class = ChecklistItemSerializer

    def get_queryset(self) -> Any:
        items = ChecklistItem.objects.select_related("owner", "done_by").order_by(
            "release_id", "position", "id"
        )
        release = self.request.query_params.get("release")
        if release is not None:
            if not release.isdigit():
                raise ValidationError({"release": "Must be a release id."})
            items = items.filter(release_id=int(release))
        return items

    def _run(self, func: Any, **kwargs: Any) -> Response:
        try:
            item = func(item=self.get_object(), actor=self.request.user, **kwargs)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return Response(ChecklistItemSerializer(item).data)

    @extend_schema(request=TickSerializer, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"])
    def tick(self, request: Request, pk: str | None = None) -> Response:
        payload = TickSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._run(services.item_tick, evidence_url=payload.validated_data.get("evidence_url", ""))

    @extend_schema(request=None, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"])
    def untick(self, request: Request, pk: str | None = None) -> Response:
        return self._run(services.item_untick)

    @extend_schema(request=ItemUpdateSerializer, responses=ChecklistItemSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        payload = ItemUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._run(
            services.item_update, owner_username=data.get("owner"), due_date=data.get("due_date")
        )
