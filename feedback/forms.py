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
        from django.core.exceptions import ValidationError

        from feedback.services import theme_name_clean

        try:
            return theme_name_clean(self.cleaned_data["name"], theme=self.theme)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["name"]) from exc

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


class ManualFeedbackForm(forms.Form):
    """Sales or CS logging what a customer said, on the customer's behalf."""

    account = forms.CharField(max_length=255, help_text="The account's name, domain or Salesforce id.")
    title = forms.CharField(max_length=500, label="In a few words")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="What the customer said")
    author = forms.CharField(
        max_length=255,
        required=False,
        label="Who said it",
        help_text="Name or email of the customer contact.",
    )
    occurred_at = forms.DateField(
        required=False,
        label="When",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )
    url = forms.URLField(
        required=False,
        max_length=1000,
        assume_scheme="https",
        label="Link",
        help_text="Call recording, email thread…",
    )

    def clean_account(self) -> object:
        from django.db.models import Q

        from feedback.models import Account

        text = self.cleaned_data["account"].strip()
        matches = list(
            Account.objects.filter(Q(name__iexact=text) | Q(domain__iexact=text) | Q(salesforce_id=text))[:2]
        )
        if not matches:
            raise forms.ValidationError(
                f"No account is called {text!r}. Use its exact name, domain or Salesforce id."
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                f"More than one account matches {text!r}; use its domain or Salesforce id."
            )
        return matches[0]
