from __future__ import annotations

from django.contrib import admin

from feedback.models import Account, FeedbackItem, FeedbackTheme, Opportunity, Theme, UsageMetric


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "domain",
        "lifecycle",
        "arr",
        "plan",
        "owner_csm",
        "churn_risk_score",
        "expansion_candidate",
    )
    list_filter = ("lifecycle", "plan", "expansion_candidate", "industry")
    search_fields = ("name", "domain", "salesforce_id", "zendesk_org_id")
    list_select_related = ("owner_csm",)
    raw_id_fields = ("owner_csm",)


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "account",
        "amount",
        "stage",
        "status",
        "opportunity_type",
        "close_date",
        "is_priority",
    )
    list_filter = ("status", "opportunity_type", "is_priority", "stage")
    search_fields = ("name", "salesforce_id", "account__name")
    list_select_related = ("account",)
    raw_id_fields = ("account",)
    filter_horizontal = ("blocking_themes",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


class FeedbackThemeInline(admin.TabularInline):
    model = FeedbackTheme
    extra = 0
    raw_id_fields = ("theme", "tagged_by")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "kind", "account", "occurred_at", "nps_score")
    list_filter = ("source", "kind", "occurred_at")
    search_fields = ("title", "external_id", "account__name")
    list_select_related = ("account",)
    raw_id_fields = ("account", "opportunity", "logged_by")
    date_hierarchy = "occurred_at"
    inlines = [FeedbackThemeInline]
    show_full_result_count = False  # counting millions of rows on every admin page load is not worth it


@admin.register(FeedbackTheme)
class FeedbackThemeAdmin(admin.ModelAdmin):
    list_display = ("item", "theme", "origin", "tagged_by", "tagged_at", "removed")
    list_filter = ("origin", "removed", "theme")
    raw_id_fields = ("item", "theme", "tagged_by")
    show_full_result_count = False


@admin.register(UsageMetric)
class UsageMetricAdmin(admin.ModelAdmin):
    list_display = ("account", "metric", "date", "value")
    list_filter = ("metric",)
    search_fields = ("account__name", "metric")
    raw_id_fields = ("account",)
    date_hierarchy = "date"
