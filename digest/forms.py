from __future__ import annotations

from typing import Any

from django import forms

from digest.markdown import has_unsafe_markup
from readiness.models import ProductArea


class IntroForm(forms.Form):
    intro = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown: **bold**, _italic_, lists, [links](https://…). Raw HTML is shown as text.",
    )


class EntryForm(forms.Form):
    """One entry's edits. The prefix carries the entry id, so the POST maps back without hidden ids to trust."""

    note = forms.CharField(required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))
    hidden = forms.BooleanField(required=False, label="Hide")
    position = forms.IntegerField(min_value=0, max_value=32_000, label="Order")


def unsafe_fields(intro: str, notes: list[str]) -> bool:
    return has_unsafe_markup(intro) or any(has_unsafe_markup(note) for note in notes)


class SubscriptionForm(forms.Form):
    active = forms.BooleanField(required=False, label="Email me the digest when it is published")
    product_areas = forms.ModelMultipleChoiceField(
        required=False,
        queryset=ProductArea.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        label="Only these product areas",
        help_text="Leave all unticked to get every area.",
    )


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True, label="Search past digests")


class RoadmapFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        required=False,
        queryset=ProductArea.objects.order_by("position", "name"),
        to_field_name="slug",
        empty_label="All product areas",
        label="Product area",
    )
    mine = forms.BooleanField(required=False, label="Touches my accounts")

    def clean(self) -> dict[str, Any]:
        return super().clean()
