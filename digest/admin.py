from __future__ import annotations

from django.contrib import admin

from digest.models import Digest, DigestDelivery, DigestEntry, DigestSubscription


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("period", "status", "as_of", "published_at", "published_by")
    list_filter = ("status",)
    readonly_fields = ("intro_html", "search_text")


@admin.register(DigestEntry)
class DigestEntryAdmin(admin.ModelAdmin):
    list_display = ("digest", "section", "key", "position", "hidden")
    list_filter = ("section", "hidden")
    raw_id_fields = ("digest", "release")


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "active", "updated_at")
    filter_horizontal = ("product_areas",)


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ("digest", "recipient", "sent_at")
    raw_id_fields = ("digest", "recipient")
