from __future__ import annotations

from rest_framework import generics, serializers

from feedback.models import Account
from productops.navigation import PILLAR_ROLES


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


class AccountList(generics.ListAPIView):
    allowed_roles = PILLAR_ROLES["feedback"]
    serializer_class = AccountSerializer
    queryset = Account.objects.order_by("name")
