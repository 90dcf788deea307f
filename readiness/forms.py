from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from feedback.models import Theme
from productops.roles import Role
from readiness.models import FaqEntry, ProductArea, Release, TemplateItem


class DateInput(forms.DateInput):
    input_type = "date"


def _link(label: str) -> forms.URLField:
    return forms.URLField(label=label, required=False, max_length=500, assume_scheme="https")


class ReleaseForm(forms.ModelForm):
    video_url = _link("Video walkthrough")
    in_app_guide_url = _link("In-app guide")
    help_article_url = _link("Help article")

    class Meta:
        model = Release
        fields = [
            "name", "tier", "product_area", "launch_date", "status", "pm_owner", "themes", "description", "customer_change",
            "video_url", "in_app_guide_url", "help_article_url",
        ]  # fmt: skip
        widgets = {
            "launch_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "customer_change": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pm_owner"].queryset = (
            get_user_model().objects.filter(groups__name=Role.PM).order_by("username")
        )
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["themes"].required = False

    def clean_launch_date(self) -> Any:
        from django.core.exceptions import ValidationError

        from readiness.services import validate_launch_date

        launch_date = self.cleaned_data["launch_date"]
        try:
            validate_launch_date(launch_date)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["launch_date"]) from exc
        return launch_date


class TickForm(forms.Form):
    evidence_url = forms.URLField(required=False, max_length=500, assume_scheme="https")


class FaqForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "for_high_risk"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["title", "category", "owner_role", "due_offset_days", "needs_evidence", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_due_offset_days(self) -> int:
        days = self.cleaned_data["due_offset_days"]
        if days > 120:
            raise forms.ValidationError("Readiness work starts at most 120 days before launch.")
        return days


class AddAccountForm(forms.Form):
    name = forms.CharField(max_length=255, label="Add an account by name or domain")


class ProductAreaForm(forms.ModelForm):
    class Meta:
        model = ProductArea
        fields = ["name", "description", "position"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = ProductArea.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a product area with this name.")
        return name
