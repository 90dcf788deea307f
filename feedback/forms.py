"""Forms for theme curation. Validation only; the writes are in services."""

from __future__ import annotations

from django import forms

from feedback import rules
from feedback.models import Theme, ThemeStatus


class ThemeForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    keywords = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One word or phrase per line (or comma separated). An item mentioning any of them is tagged.",
    )
    status = forms.ChoiceField(choices=ThemeStatus.choices)

    def __init__(self, *args: object, theme: Theme | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.theme = theme

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Theme.objects.filter(name__iexact=name)
        if self.theme:
            clash = clash.exclude(pk=self.theme.pk)
        if clash.exists():
            raise forms.ValidationError("Another theme already has this name.")
        return name

    def clean_keywords(self) -> list[str]:
        return rules.normalize_keywords(self.cleaned_data.get("keywords") or "")


class MergeForm(forms.Form):
    merged = forms.ModelChoiceField(
        queryset=Theme.objects.filter(merged_into__isnull=True), label="Merge this theme into the current one"
    )


class MoveItemsForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Theme.objects.filter(merged_into__isnull=True), label="Move to")
    item = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Items")

    def __init__(self, *args: object, item_ids: list[int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i, i) for i in item_ids or []]
