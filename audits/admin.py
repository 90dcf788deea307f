from __future__ import annotations

from django.contrib import admin

from audits.models import (
    ClassifierRule,
    InboundQuestion,
    Participant,
    Question,
    Response,
    Round,
    RoundReminder,
    SurveyTemplate,
    TemplateQuestion,
)


class TemplateQuestionInline(admin.TabularInline):
    model = TemplateQuestion
    extra = 0


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "updated_at")
    inlines = [TemplateQuestionInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "status", "opened_at", "closed_at")
    list_filter = ("audience", "status")
    inlines = [QuestionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("round", "user", "submitted_at", "updated_at")
    list_select_related = ("round", "user")
    raw_id_fields = ("round", "user")


@admin.register(ClassifierRule)
class ClassifierRuleAdmin(admin.ModelAdmin):
    list_display = ("position", "category", "kind", "pattern", "enabled")
    list_editable = ("enabled",)
    ordering = ("position", "id")


@admin.register(InboundQuestion)
class InboundQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "team", "category", "source", "asked_at", "asked_of")
    list_filter = ("category", "team", "source")
    search_fields = ("text",)
    raw_id_fields = ("asked_by", "asked_of", "release", "matched_rule", "override_by", "answered_by")


admin.site.register(Participant)
admin.site.register(RoundReminder)
