"""Audits API: rounds and results (read), your own response (create / update while open), inbound questions
(create, list, reclassify)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits import inbound_selectors, inbound_services, selectors, services
from audits.answers import AnswerErrors
from audits.models import Category, InboundQuestion, InboundSource, Question, Round, Team
from audits.models import Response as SurveyResponse
from audits.views.access import EVERYONE, INBOUND_LOG_ROLES, INBOUND_READ_ROLES, OPS_ROLES, READ_ROLES


def _as_drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "prompt",
            "help_text",
            "choices",
            "internal_choice",
            "metric",
            "required",
        ]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    participant_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Round
        fields = [
            "id", "name", "audience", "status", "created_at", "opened_at", "closed_at", "participant_count",
            "response_count", "questions",
        ]  # fmt: skip
        read_only_fields = fields


def _results_json(data: dict[str, Any]) -> dict[str, Any]:
    verdict = data["verdict"]
    questions = []
    for summary in data["questions"]:
        q = summary["question"]
        item: dict[str, Any] = {"id": q.pk, "prompt": q.prompt, "kind": q.kind, "answers": summary["n"]}
        if "stats" in summary:
            s = summary["stats"]
            item["internal_share"] = {
                "median": s.median,
                "over_threshold": s.over,
                "share_over_threshold": s.share_over,
            }
        for key in ("median", "mean", "total", "texts"):
            if key in summary:
                item[key] = summary[key]
        if "chart" in summary:
            item["chart"] = summary["chart"]
        if "distribution" in summary:
            item["distribution"] = summary["distribution"]
        questions.append(item)
    return {
        "round": data["round"].pk,
        "participants": data["participants"],
        "answered": data["answered"],
        "threshold": data["threshold"],
        "verdict": {
            "status": verdict.status,
            "headline": verdict.headline,
            "conditions": [{"key": c.key, "holds": c.holds, "text": c.text} for c in verdict.conditions],
        },
        "questions": questions,
        "history": data["history"]["chart"],
    }


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    allowed_roles = READ_ROLES
    serializer_class = RoundSerializer

    def get_queryset(self) -> Any:
        return selectors.rounds_list().prefetch_related("questions")

    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        return Response(_results_json(selectors.round_results(self.get_object())))


class ResponseSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="Answers keyed by question id.")


class OwnResponseView(APIView):
    """GET your answers to a round; POST them once; PUT / PATCH to change them while the round is open."""

    allowed_roles = EVERYONE

    def _round(self, pk: int) -> Round:
        return get_object_or_404(Round, pk=pk)

    @staticmethod
    def _body(response: SurveyResponse) -> dict[str, Any]:
        return {
            "round": response.round_id,
            "answers": response.answers,
            "submitted_at": response.submitted_at,
            "updated_at": response.updated_at,
        }

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        response = get_object_or_404(SurveyResponse, round_id=pk, user=request.user)
        return Response(self._body(response))

    def _write(self, request: Request, pk: int, *, create: bool) -> Response:
        serializer = ResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = self._round(pk)
        service = services.response_create if create else services.response_update
        try:
            response = service(round=round_, user=request.user, answers=serializer.validated_data["answers"])
        except AnswerErrors as exc:
            raise ValidationError({"answers": exc.errors}) from exc
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return Response(
            self._body(response), status=status.HTTP_201_CREATED if create else status.HTTP_200_OK
        )

    @extend_schema(request=ResponseSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        return self._write(request, pk, create=True)

    @extend_schema(request=ResponseSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, pk: int) -> Response:
        return self._write(request, pk, create=False)

    @extend_schema(request=ResponseSerializer, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, pk: int) -> Response:
        return self._write(request, pk, create=False)


class InboundQuestionSerializer(serializers.ModelSerializer):
    asked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    asked_of = serializers.SlugRelatedField(slug_field="username", read_only=True)
    matched_rule = serializers.SerializerMethodField()
    # Blank until a person overrides the classifier: say so in the schema ("" is not one of the categories).
    override_category = serializers.ChoiceField(
        choices=Category.choices[:3], allow_blank=True, read_only=True
    )

    class Meta:
        model = InboundQuestion
        fields = [
            "id", "text", "team", "source", "asked_by", "asker_name", "asked_of", "release", "asked_at", "category",
            "rule_category", "matched_rule", "matched_text", "override_category", "answered_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_matched_rule(self, obj: InboundQuestion) -> dict[str, Any] | None:
        rule = obj.matched_rule
        return {"id": rule.pk, "kind": rule.kind, "pattern": rule.pattern} if rule else None


class InboundCreateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=True)
    team = serializers.ChoiceField(choices=Team.choices, default=Team.SALES)
    asker_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    asked_of = serializers.SlugRelatedField(
        slug_field="username", required=False, allow_null=True, queryset=get_user_model().objects.all()
    )
    asked_at = serializers.DateTimeField(required=False, allow_null=True)
    category = serializers.ChoiceField(
        choices=[("", "rules"), *Category.choices[:3]], required=False, allow_blank=True, default=""
    )

    def validate_text(self, value: str) -> str:
        try:
            return inbound_services.check_question_text(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["text"]) from exc


class ReclassifySerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=[("", "rules"), *Category.choices[:3]],
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="how_to / status / strategy sets a person's class; empty or null hands it back to the rules; "
        "leave it out to re-run the rules (a person's class stays).",
    )


class InboundQuestionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    allowed_roles = INBOUND_READ_ROLES
    write_roles = INBOUND_LOG_ROLES
    serializer_class = InboundQuestionSerializer

    def get_queryset(self) -> Any:
        category = self.request.query_params.get("category", "")
        team = self.request.query_params.get("team", "")
        if category and category not in Category.values:
            raise ValidationError(
                {"category": f"Unknown class {category!r}; use one of {', '.join(Category.values)}."}
            )
        if team and team not in Team.values:
            raise ValidationError({"team": f"Unknown team {team!r}; use one of {', '.join(Team.values)}."})
        return inbound_selectors.inbound_log(category=category, team=team)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = InboundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        question = inbound_services.inbound_create(
            text=data["text"],
            source=InboundSource.API,
            team=data["team"],
            asker_name=data.get("asker_name", ""),
            asked_by=request.user,
            asked_of=data.get("asked_of"),
            asked_at=data.get("asked_at"),
            override_category=data.get("category") or "",
            actor=request.user,
        )
        return Response(InboundQuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def reclassify(self, request: Request, pk: str | None = None) -> Response:
        if not _is_ops(request):
            return Response(
                {"detail": "Only Product Ops reclassifies questions."}, status=status.HTTP_403_FORBIDDEN
            )
        question = self.get_object()
        serializer = ReclassifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "category" in serializer.validated_data:
            inbound_services.inbound_override(
                question=question, category=serializer.validated_data["category"] or "", actor=request.user
            )
        else:
            inbound_services.inbound_reclassify(ids=[question.pk])
        question.refresh_from_db()
        return Response(InboundQuestionSerializer(question).data)

    @extend_schema(
        request=None, responses=inline_serializer("ReclassifyAll", {"changed": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="reclassify")
    def reclassify_all(self, request: Request) -> Response:
        if not _is_ops(request):
            return Response(
                {"detail": "Only Product Ops reclassifies questions."}, status=status.HTTP_403_FORBIDDEN
            )
        return Response({"changed": inbound_services.inbound_reclassify()})


def _is_ops(request: Request) -> bool:
    from productops.roles import has_any_role

    return has_any_role(request.user, OPS_ROLES)
