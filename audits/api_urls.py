from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from audits import api

router = SimpleRouter()
router.register("audits/rounds", api.RoundViewSet, basename="audit-round")
router.register("audits/inbound-questions", api.InboundQuestionViewSet, basename="inbound-question")
urlpatterns = [
    path("audits/rounds/<int:pk>/response/", api.OwnResponseView.as_view(), name="audit-own-response"),
    *router.urls,
]
