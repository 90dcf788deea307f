from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from audits.inbound_services import check_question_text, check_rule
from audits.models import ClassifierRule, QuestionKind, SurveyTemplate, Team, TemplateQuestion
from productops.roles import Role

ROLE_CHOICES = [(role.value, role.value) for role in Role]


class RoundCreateForm(forms.Form):
    template = forms.ModelChoiceField(queryset=SurveyTemplate.objects.all(), empty_label=None)
    name = forms.CharField(max_length=120, help_text="For example “PM time audit, Q1 2026”.")
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Participants: everyone with these roles",
        help_text="Leave empty to use the template's default roles. You can add or remove people before opening.",
    )


class AddParticipantsForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Everyone with these roles",
    )
    username = forms.CharField(required=False, max_length=150, label="…or one person (username)")

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(f"No active user called “{username}”.")
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("roles") and not data.get("username") and not self.errors:
            raise ValidationError("Choose a role or name a person.")
        return data


class TemplateForm(forms.ModelForm):
    default_roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Default participants",
    )

    class Meta:
        model = SurveyTemplate
        fields = ["name", "description", "default_roles"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateQuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Categories (percent split)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line. Only for a percent split.",
    )

    class Meta:
        model = TemplateQuestion
        fields = ["kind", "prompt", "help_text", "choices_text", "internal_choice", "metric", "required"]
        labels = {
            "internal_choice": "Category that counts as internal status (PM time split)",
            "help_text": "Hint shown under the question",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choices = [line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()]
        self.instance.choices = choices if data.get("kind") == QuestionKind.PERCENT_SPLIT else []
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = ClassifierRule
        fields = ["category", "kind", "pattern", "position", "enabled"]
        labels = {"position": "Order (lower is tried first)"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "pattern" in data and "kind" in data:
            try:
                check_rule(kind=data["kind"], pattern=data["pattern"])
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    self.add_error(field_name, messages)
        return data


class DateInput(forms.DateInput):
    input_type = "date"


class InboundLogForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question", required=False)
    team = forms.ChoiceField(choices=Team.choices, initial=Team.SALES)
    asker_name = forms.CharField(max_length=200, required=False, label="Asked by (name)")
    asked_of = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(groups__name=Role.PM.value).distinct().order_by("username"),
        required=False,
        label="Asked of (PM)",
    )
    asked_on = forms.DateField(
        widget=DateInput(), required=False, label="Asked on", help_text="Empty: today."
    )
    category = forms.ChoiceField(
        choices=[
            ("", "Let the rules decide"),
            ("how_to", "How-to"),
            ("status", "Status"),
            ("strategy", "Strategy"),
        ],
        required=False,
        label="Class",
    )

    def clean_text(self) -> str:
        try:
            return check_question_text(self.cleaned_data.get("text", ""))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["text"]) from exc


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: asked_at, text, team (sales / cs / other), asker, asked_of (a user's email), "
        "category (optional: how-to / status / strategy). Bad rows are listed by line; good rows are imported.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("Keep the file under 5 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not UTF-8 text.") from exc


class AskForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What would you like to ask the PM?"}),
        label="Your question",
        required=False,
    )

    def clean_text(self) -> str:
        try:
            return check_question_text(self.cleaned_data.get("text", ""))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["text"]) from exc


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Your answer", required=False)
