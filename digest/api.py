"""Digest API: published digests (list, detail by yyyy-ww, latest), one's own subscription, the roadmap."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from digest import selectors, services
from digest.models import Digest, DigestSubscription
from digest.roadmap import COLUMNS, roadmap
from digest.views import parse_period
from productops.navigation import PILLAR_ROLES
from readiness.models import ProductArea

READ_ROLES = PILLAR_ROLES["digest"]


class DigestSummarySerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Digest
        fields = ["id", "period", "year", "week", "as_of", "published_at", "url"]
        read_only_fields = fields

    def get_url(self, digest: Digest) -> str:
        return f"/api/v1/digests/{digest.period}/"


def digest_json(digest: Digest, user: Any) -> dict[str, Any]:
    sections = selectors.reader_sections(digest, user=user)
    return {
        **DigestSummarySerializer(digest).data,
        "intro_html": digest.intro_html,
        "horizon_weeks": digest.horizon_weeks,
        "page_url": f"/digest/{digest.period}/",
        "sections": [
            {"section": s.key, "label": s.label, "entries": [selectors.entry_json(e) for e in s.entries]}
            for s in sections
        ],
    }


class DigestListView(GenericAPIView):
    allowed_roles = READ_ROLES
    serializer_class = DigestSummarySerializer

    def get_queryset(self) -> Any:
        return selectors.published()

    @extend_schema(responses=DigestSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DigestDetailView(APIView):
    allowed_roles = READ_ROLES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, period: str) -> Response:
        try:
            year, week = parse_period(period)
        except Http404 as exc:
            raise NotFound(f"period: {period!r} is not a week (use yyyy-ww, e.g. 2026-49).") from exc
        digest = selectors.digest_by_period(year, week)
        if digest is None or not digest.is_published:
            raise NotFound(f"period: no published digest for {period}.")
        return Response(digest_json(digest, request.user))


class DigestLatestView(APIView):
    allowed_roles = READ_ROLES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        digest = selectors.latest_published()
        if digest is None:
            raise NotFound("No digest has been published yet.")
        return Response(digest_json(digest, request.user))


class SubscriptionSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    product_areas = serializers.SlugRelatedField(
        slug_field="slug", queryset=ProductArea.objects.all(), many=True, required=False
    )


class SubscriptionView(APIView):
    """GET / PUT / PATCH the caller's own subscription. Nobody edits someone else's."""

    allowed_roles = READ_ROLES
    write_roles = READ_ROLES

    def _current(self, request: Request) -> dict[str, Any]:
        sub = DigestSubscription.objects.filter(user=request.user).prefetch_related("product_areas").first()
        return {
            "active": bool(sub and sub.active),
            "product_areas": [a.slug for a in sub.product_areas.all()] if sub else [],
        }

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request: Request) -> Response:
        return Response(self._current(request))

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def put(self, request: Request) -> Response:
        return self._write(request, partial=False)

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def patch(self, request: Request) -> Response:
        return self._write(request, partial=True)

    def _write(self, request: Request, *, partial: bool) -> Response:
        payload = SubscriptionSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        current = self._current(request)
        services.subscription_update(
            user=request.user,
            active=data.get("active", current["active"]),
            product_areas=data.get("product_areas") if "product_areas" in data or not partial else None,
        )
        return Response(self._current(request))


class RoadmapQuerySerializer(serializers.Serializer):
    area = serializers.SlugRelatedField(slug_field="slug", queryset=ProductArea.objects.all(), required=False)
    mine = serializers.BooleanField(required=False, default=False)


class RoadmapView(APIView):
    allowed_roles = PILLAR_ROLES["roadmap"]

    @extend_schema(parameters=[RoadmapQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        query = RoadmapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        rows = roadmap(
            today=today,
            user=request.user,
            area=query.validated_data.get("area"),
            only_mine=query.validated_data["mine"],
        )
        return Response(
            {
                "as_of": today.isoformat(),
                "areas": [
                    {
                        "area": {"name": row.area.name, "slug": row.area.slug} if row.area else None,
                        "columns": {
                            key: [_card_json(card) for card in row.columns.get(key, [])]
                            for key, _l, _h in COLUMNS
                        },
                    }
                    for row in rows
                ],
            }
        )


def _card_json(card: Any) -> dict[str, Any]:
    release, readiness = card.row.release, card.row.readiness
    return {
        "release_id": release.pk,
        "name": release.name,
        "launch_date": release.launch_date.isoformat(),
        "status": release.status,
        "tier": release.tier,
        "readiness": {"percent": readiness.percent, "risk": readiness.risk, "headline": readiness.headline}
        if readiness.total
        else None,
        "touches_my_accounts": card.row.my_accounts,
        "themes": [
            {"name": t["name"], "accounts": t["accounts"], "arr": None if t["arr"] is None else str(t["arr"])}
            for t in card.themes
        ],
    }
