from __future__ import annotations

from django import forms
from django.conf import settings

from feedback.models import Theme, ThemeStatus


class CsvUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[("nps", "NPS responses"), ("usage", "Usage metrics")])
    file = forms.FileField(help_text="UTF-8 CSV with a header row.")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.CSV_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB; split it.")
        return upload


class BlockerMapForm(forms.Form):
    """Say which theme a CRM "blocked by feature" name means."""

    name = forms.CharField(max_length=120, widget=forms.HiddenInput)
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.exclude(status=ThemeStatus.ARCHIVED).order_by("name"),
        empty_label="Map to theme…",
    )
