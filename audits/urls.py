from __future__ import annotations

from django.urls import path

from audits.views import ask, inbound, rounds, templates

app_name = "audits"
urlpatterns = [
    path("", rounds.index, name="index"),
    path("rounds/new/", rounds.round_new, name="round-new"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/answer/", rounds.respond, name="respond"),
    path("rounds/<int:pk>/results/", rounds.round_results, name="results"),
    path("rounds/<int:pk>/<str:action>/", rounds.round_action, name="round-action"),
    path("templates/", templates.templates_index, name="templates"),
    path("templates/<int:pk>/", templates.template_edit, name="template"),
    path("templates/<int:pk>/questions/", templates.question_add, name="question-add"),
    path("questions/<int:pk>/", templates.question_edit, name="question"),
    path("inbound/", inbound.inbound_log, name="inbound"),
    path("inbound/add/", inbound.inbound_add, name="inbound-add"),
    path("inbound/import/", inbound.inbound_import, name="inbound-import"),
    path("inbound/<int:pk>/class/", inbound.inbound_override, name="inbound-override"),
    path("inbound/rules/", inbound.rules, name="rules"),
    path("inbound/rules/<int:pk>/", inbound.rule_edit, name="rule"),
    path("ask/<int:release_id>/", ask.ask, name="ask"),
    path("inbox/", ask.inbox, name="inbox"),
    path("inbox/<int:pk>/answer/", ask.answer, name="answer"),
]
