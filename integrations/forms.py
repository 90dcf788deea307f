from __future__ import annotations

from django import forms

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class CsvUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[("nps", "NPS responses"), ("usage", "Usage metrics")])
    file = forms.FileField(help_text="UTF-8 CSV with a header row.")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB; split it.")
        return upload
