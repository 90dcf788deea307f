"""Forms of the trend report: the window and segment it is cut by, and "create theme from this cluster"."""

from __future__ import annotations

from django import forms

from feedback.filters import segment_choices
from reports.trends import DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS


def _segments() -> list[tuple[str, str]]:
    return [("", "All feedback"), *segment_choices()]


class TrendForm(forms.Form):
    weeks = forms.IntegerField(
        required=False,
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        initial=DEFAULT_WEEKS,
        label="Window (weeks)",
    )
    segment = forms.ChoiceField(required=False, choices=_segments, label="Segment")


class ClusterThemeForm(forms.Form):
    name = forms.CharField(max_length=120, label="Theme name")
    item_ids = forms.CharField(widget=forms.HiddenInput)

    def clean_item_ids(self) -> list[int]:
        raw = self.cleaned_data["item_ids"]
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(
                "The cluster's items are not a list of ids; reload the page."
            ) from exc
        if not ids:
            raise forms.ValidationError("The cluster has no items; reload the page.")
        return ids
