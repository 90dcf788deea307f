"""The insight report's input: 2-6 themes, the score weights and the window, validated the same way for the page,
the CSV and the API. Every error names the parameter it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from feedback.models import Theme
from reports.insight import Window
from reports.insight_score import TERMS, default_weights, parse_weight

MIN_THEMES, MAX_THEMES = 2, 6
MIN_DAYS, MAX_DAYS = 7, 730


@dataclass(frozen=True)
class InsightParams:
    themes: list[Theme]
    weights: dict[str, Decimal]
    days: int

    def window(self, today: date | None = None) -> Window:
        return Window.ending(today or timezone.localdate(), self.days)

    def querystring(self, **override: Any) -> str:
        query = QueryDict(mutable=True)
        query["themes"] = ",".join(str(theme.pk) for theme in self.themes)
        query["days"] = str(self.days)
        for key, value in self.weights.items():
            query[f"w_{key}"] = f"{value:f}"
        for key, value in override.items():
            query[key] = str(value)
        return query.urlencode()


def resolve_themes(raw: str | list[str]) -> list[Theme]:
    """Themes by id or slug, comma-separated or repeated, in the order given. Raises ValueError naming the problem."""
    parts = raw if isinstance(raw, list) else [raw]
    tokens: list[str] = []
    for part in parts:
        for token in re.split(r"[\s,]+", str(part)):
            if token and token not in tokens:
                tokens.append(token)
    if not tokens:
        raise ValueError(f"Pick {MIN_THEMES} to {MAX_THEMES} themes to compare.")
    if len(tokens) > 50:
        raise ValueError(f"Pick {MIN_THEMES} to {MAX_THEMES} themes; you picked {len(tokens)}.")
    ids = [int(token) for token in tokens if token.isdigit() and len(token) < 12]
    slugs = [token for token in tokens if not token.isdigit()]
    found = Theme.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs)).select_related("merged_into")
    by_token = {}
    for theme in found:
        by_token[str(theme.pk)] = theme
        by_token[theme.slug] = theme
    unknown = [token for token in tokens if token not in by_token]
    if unknown:
        shown = ", ".join(f"“{token[:40]}”" for token in unknown[:5])
        raise ValueError(f"Unknown theme{'s' if len(unknown) > 1 else ''}: {shown}.")
    themes: list[Theme] = []
    for token in tokens:
        theme = by_token[token]
        if theme.merged_into_id:
            raise ValueError(
                f"“{theme.name}” was merged into “{theme.merged_into.name}”: compare that theme instead."
            )
        if theme not in themes:
            themes.append(theme)
    if not MIN_THEMES <= len(themes) <= MAX_THEMES:
        raise ValueError(f"Pick {MIN_THEMES} to {MAX_THEMES} themes to compare; you picked {len(themes)}.")
    return themes


def check_weights(weights: dict[str, Decimal]) -> None:
    if not any(weights.values()):
        raise ValueError("At least one weight must be above 0, or nothing can be ranked.")


class InsightForm(forms.Form):
    """The page's form. `themes` arrives as checkboxes (repeated) or as `?themes=1,2,3` from a shared URL."""

    themes = forms.CharField(required=False, label="Themes")
    days = forms.IntegerField(
        required=False,
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        label="Window (days)",
        help_text="Pain figures and their trend cover this many days up to the date of the data.",
    )

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data["themes"] = ",".join(data.getlist("themes"))
        super().__init__(data, **kwargs)
        defaults = default_weights()
        for term in TERMS:
            self.fields[f"w_{term.key}"] = forms.CharField(
                required=False,
                label=term.label,
                initial=f"{defaults[term.key]:f}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
            )

    def clean_themes(self) -> list[Theme]:
        try:
            return resolve_themes(self.cleaned_data.get("themes") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        defaults = default_weights()
        weights: dict[str, Decimal] = {}
        for term in TERMS:
            name = f"w_{term.key}"
            raw = (self.data.get(name) or "").strip()
            if not raw:
                weights[term.key] = defaults[term.key]
                continue
            try:
                weights[term.key] = parse_weight(raw)
            except ValueError as exc:
                self.add_error(name, f"{term.label}: {exc}")
        if len(weights) == len(TERMS):
            try:
                check_weights(weights)
            except ValueError as exc:
                self.add_error(None, str(exc))
        data["weights"] = weights
        return data

    def params(self) -> InsightParams:
        """The validated input. Call only after is_valid()."""
        data = self.cleaned_data
        return InsightParams(
            themes=data["themes"],
            weights=data["weights"],
            days=data.get("days") or settings.INSIGHT_WINDOW_DAYS,
        )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"w_{term.key}"] for term in TERMS]
