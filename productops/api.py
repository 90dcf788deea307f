from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from productops.roles import ALL_ROLES, primary_role, user_roles


class MeView(APIView):
    allowed_roles = ALL_ROLES

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "primary_role": serializers.CharField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = request.user
        role = primary_role(user)
        return Response(
            {
                "username": user.get_username(),
                "roles": sorted(r.value for r in user_roles(user)),
                "primary_role": role.value if role else None,
            }
        )
