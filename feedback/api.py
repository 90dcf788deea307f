"""REST API for the feedback store: items (with the dashboard's filters), themes (CRUD, tag, merge), accounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback import rules, services
from feedback.filters import ordered_items, parse_cut
from feedback.models import Account, FeedbackItem, Opportunity, Theme, ThemeStatus
from feedback.permissions import CURATE_ROLES, LOG_ROLES, READ_ROLES
from feedback.segments import segments_of


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "domain",
            "lifecycle",
            "arr",
            "plan",
            "industry",
            "churn_risk_score",
            "expansion_candidate",
            "salesforce_id",
            "zendesk_org_id",
        ]


class OpportunitySerializer(serializers.ModelSerializer):
    blocking_themes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "salesforce_id",
            "name",
            "amount",
            "stage",
            "status",
            "close_date",
            "opportunity_type",
            "is_priority",
            "blocking_themes",
        ]


class AccountDetailSerializer(AccountSerializer):
    owner_csm = serializers.SlugRelatedField(slug_field="username", read_only=True)
    segments = serializers.SerializerMethodField()
    open_deals = serializers.SerializerMethodField()

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "owner_csm", "segments", "open_deals"]

    def _deals(self, account: Account) -> list[Opportunity]:
        return [o for o in account.opportunities.all() if o.status == "open"]

    def get_segments(self, account: Account) -> list[str]:
        deals = self._deals(account)
        return segments_of(
            account, open_deal_amounts=[(d.amount, d.is_priority, d.opportunity_type) for d in deals]
        )

    def get_open_deals(self, account: Account) -> list[dict[str, Any]]:
        return OpportunitySerializer(self._deals(account), many=True).data


class AccountList(generics.ListAPIView):
    allowed_roles = READ_ROLES
    serializer_class = AccountSerializer
    queryset = Account.objects.order_by("name")


class AccountDetail(generics.RetrieveAPIView):
    allowed_roles = READ_ROLES
    serializer_class = AccountDetailSerializer
    queryset = Account.objects.select_related("owner_csm").prefetch_related("opportunities__blocking_themes")


class FeedbackItemSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name", default=None, read_only=True)
    themes = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "source",
            "external_id",
            "kind",
            "account",
            "account_name",
            "opportunity",
            "title",
            "body",
            "url",
            "author",
            "occurred_at",
            "nps_score",
            "segment_snapshot",
            "themes",
            "logged_by",
        ]
        read_only_fields = fields

    def get_themes(self, item: FeedbackItem) -> list[dict[str, Any]]:
        return [
            {"id": link.theme_id, "name": link.theme.name, "origin": link.origin}
            for link in item.theme_links.all()
            if not link.removed
        ]


class ManualItemSerializer(serializers.Serializer):
    """Feedback logged on a customer's behalf by Sales or CS."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=500)
    body = serializers.CharField()
    occurred_at = serializers.DateTimeField(required=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
    author = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opp = attrs.get("opportunity")
        if opp is not None and opp.account_id != attrs["account"].pk:
            raise ValidationError({"opportunity": ["This deal belongs to another account."]})
        return attrs


_ITEMS = FeedbackItem.objects.select_related("account").prefetch_related("theme_links__theme").defer("raw")


class FeedbackItemList(generics.ListCreateAPIView):
    """GET: the dashboard's filters as query parameters (segment, source, theme, account, owner, days, start, end,
    q, sort). POST: log manual feedback."""

    allowed_roles = READ_ROLES
    write_roles = LOG_ROLES
    serializer_class = FeedbackItemSerializer

    def get_queryset(self):
        params = self.request.query_params.copy()
        for key in ("limit", "offset"):
            params.pop(key, None)
        cut, form = parse_cut(params)
        if form.errors:
            raise ValidationError(form.errors)
        return (
            ordered_items(cut).select_related("account").prefetch_related("theme_links__theme").defer("raw")
        )

    @extend_schema(request=ManualItemSerializer, responses={201: FeedbackItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ManualItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.item_create_manual(user=request.user, **serializer.validated_data)
        return Response(FeedbackItemSerializer(_ITEMS.get(pk=item.pk)).data, status=status.HTTP_201_CREATED)


class FeedbackItemDetail(generics.RetrieveAPIView):
    allowed_roles = READ_ROLES
    serializer_class = FeedbackItemSerializer
    queryset = _ITEMS


class ThemeSerializer(serializers.ModelSerializer):
    keywords = serializers.ListField(child=serializers.CharField(max_length=120), required=False)

    class Meta:
        model = Theme
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "keywords",
            "status",
            "merged_into",
            "retag_total",
            "retag_done",
            "retag_started_at",
            "retag_finished_at",
        ]
        read_only_fields = [
            "slug",
            "merged_into",
            "retag_total",
            "retag_done",
            "retag_started_at",
            "retag_finished_at",
        ]

    def validate_keywords(self, value: list[str]) -> list[str]:
        return rules.normalize_keywords(value)

    def validate_name(self, value: str) -> str:
        try:
            return services.theme_name_clean(value, theme=self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["name"]) from exc


class ThemeList(generics.ListCreateAPIView):
    allowed_roles = READ_ROLES
    write_roles = CURATE_ROLES
    serializer_class = ThemeSerializer
    queryset = Theme.objects.filter(merged_into__isnull=True).order_by("name")

    def perform_create(self, serializer: ThemeSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.theme_create(
            user=self.request.user,
            name=data["name"],
            description=data.get("description", ""),
            keywords=data.get("keywords", []),
            status=data.get("status", ThemeStatus.ACTIVE),
        )


class ThemeDetail(generics.RetrieveUpdateDestroyAPIView):
    allowed_roles = READ_ROLES
    write_roles = CURATE_ROLES
    serializer_class = ThemeSerializer
    queryset = Theme.objects.all()

    def perform_update(self, serializer: ThemeSerializer) -> None:
        serializer.instance = services.theme_update(
            theme=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Theme) -> None:
        # Deleting would drop people's tagging work and merge history: only an unused theme may go.
        if (
            instance.item_links.exists()
            or instance.merged_themes.exists()
            or instance.events.exclude(action="created").exists()
        ):
            raise ValidationError(
                {"theme": ["This theme has tagged items or history: archive or merge it instead."]}
            )
        instance.delete()


class ItemIdsSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=10_000
    )


class ThemeTag(APIView):
    """POST {"items": [ids]} to tag by hand; the untag endpoint records a person's untag."""

    allowed_roles = CURATE_ROLES
    untag = False

    @extend_schema(
        request=ItemIdsSerializer,
        responses=inline_serializer(
            "TagResult", {"theme": serializers.IntegerField(), "changed": serializers.IntegerField()}
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        theme = get_object_or_404(Theme, pk=pk, merged_into__isnull=True)
        serializer = ItemIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = services.untag_by_person if self.untag else services.tag_by_person
        count = action(item_ids=serializer.validated_data["items"], theme=theme, user=request.user)
        return Response({"theme": theme.pk, "changed": count})


class MergeSerializer(serializers.Serializer):
    merged = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.filter(merged_into__isnull=True))


class ThemeMerge(APIView):
    """POST {"merged": id}: merge that theme into this one."""

    allowed_roles = CURATE_ROLES

    @extend_schema(request=MergeSerializer, responses=ThemeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        survivor = get_object_or_404(Theme, pk=pk, merged_into__isnull=True)
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merged = serializer.validated_data["merged"]
        if merged.pk == survivor.pk:
            raise ValidationError({"merged": ["A theme cannot be merged into itself."]})
        survivor = services.merge_themes(survivor=survivor, merged=merged, user=request.user)
        return Response(ThemeSerializer(survivor).data)
