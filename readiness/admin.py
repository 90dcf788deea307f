from __future__ import annotations

from django.contrib import admin

from readiness.models import (
    ChecklistItem,
    ChecklistTemplate,
    FaqEntry,
    ItemEvent,
    ProductArea,
    Release,
    ReminderSent,
    TemplateItem,
)


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "updated_at")
    inlines = [TemplateItemInline]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "product_area", "status", "launch_date", "pm_owner")
    list_filter = ("tier", "status", "product_area")
    search_fields = ("name", "description")
    filter_horizontal = ("themes",)
    raw_id_fields = ("affected_accounts",)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("title", "release", "category", "owner", "due_date", "done_at")
    list_filter = ("category", "owner_role", "release")
    search_fields = ("title", "release__name")
    raw_id_fields = ("owner", "done_by", "template_item")


@admin.register(ItemEvent)
class ItemEventAdmin(admin.ModelAdmin):
    list_display = ("item", "action", "actor", "at", "detail")
    list_filter = ("action",)


admin.site.register(FaqEntry)
admin.site.register(ReminderSent)


@admin.register(ProductArea)
class ProductAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
