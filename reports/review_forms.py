"""Forms of the cross-functional review: generate a pack, record a decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from feedback.models import Theme
from reports.models import DecisionOutcome


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def people() -> Any:
    """Anyone holding a role can own a decision's follow-up."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name")
    )


class ReviewForm(forms.Form):
    title = forms.CharField(
        required=False, max_length=200, label="Title", help_text="Optional; defaults to the date."
    )


class DecisionForm(forms.Form):
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.filter(merged_into__isnull=True).order_by("name"), label="Theme"
    )
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, label="Decision")
    merge_into = forms.ModelChoiceField(
        queryset=Theme.objects.filter(merged_into__isnull=True).order_by("name"),
        required=False,
        label="Merge into",
        help_text="Only for a merge decision.",
    )
    owner = PersonChoiceField(queryset=people(), required=False, label="Owner", empty_label="No owner yet")
    note = forms.CharField(
        required=False, max_length=4000, label="Note", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        theme, target = data.get("theme"), data.get("merge_into")
        if data.get("outcome") == DecisionOutcome.MERGE:
            if target is None:
                self.add_error("merge_into", "A merge decision names the theme to merge into.")
            elif theme is not None and target.pk == theme.pk:
                self.add_error("merge_into", "A theme cannot be merged into itself.")
        return data
