"""The dashboard's "cut": the filter state from the URL, validated, and the QuerySet it selects.

The same cut drives the page, its htmx regions, the CSV export and the API list, so they always agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import QueryDict
from django.utils import timezone

from feedback import segments
from feedback.models import Account, FeedbackItem, FeedbackTheme, Source, Theme
from productops.validation import MAX_ID, validate_date_in_range

DAY_PRESETS = [("", "Any time"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months")]


def segment_choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in segments.segments()]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class CutForm(forms.Form):
    """Validates the query string. Unknown values are errors naming the field, never silently ignored."""

    segment = forms.MultipleChoiceField(required=False, choices=segment_choices, label="Segments")
    source = forms.MultipleChoiceField(required=False, choices=Source.choices, label="Sources")
    theme = forms.ModelChoiceField(
        required=False, queryset=Theme.objects.filter(merged_into__isnull=True), label="Theme"
    )
    account = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Account id")
    owner = OwnerChoiceField(
        required=False,
        empty_label="Any owner",
        # One index probe per user, not a join over every account made distinct (13 ms at 20,000 accounts).
        queryset=get_user_model()
        .objects.filter(Exists(Account.objects.filter(owner_csm=OuterRef("pk"))))
        .order_by("username"),
        label="Owner CSM",
    )
    days = forms.ChoiceField(required=False, choices=DAY_PRESETS, label="When")
    start = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )  # fmt: skip
    q = forms.CharField(required=False, max_length=200, label="Search", strip=True)
    sort = forms.ChoiceField(
        required=False, choices=[("", "Newest first"), ("relevance", "Most relevant")], label="Order"
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return data


@dataclass(frozen=True)
class Cut:
    segments: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    theme_id: int | None = None
    account_id: int | None = None
    owner_id: int | None = None
    start: date | None = None
    end: date | None = None
    q: str = ""
    page: int = 1
    days: str = ""
    sort: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.segments
            or self.sources
            or self.theme_id
            or self.account_id
            or self.owner_id
            or self.start
            or self.end
            or self.q
        )

    def cache_key(self) -> str:
        """Stable across processes; page excluded because the aggregates do not depend on it."""
        data = asdict(self)
        for key in ("page", "extra", "days", "sort"):
            data.pop(key)
        blob = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha1(blob.encode()).hexdigest()

    def querystring(self, **override: Any) -> str:
        """The URL query for this cut (optionally changed), so links keep every filter."""
        values: dict[str, Any] = {
            "segment": list(self.segments),
            "source": list(self.sources),
            "theme": self.theme_id,
            "account": self.account_id,
            "owner": self.owner_id,
            "days": self.days,
            "start": "" if self.days else (self.start.isoformat() if self.start else ""),
            "end": "" if self.days else (self.end.isoformat() if self.end else ""),
            "q": self.q,
            "sort": self.sort,
            "page": self.page if self.page > 1 else None,
        }
        values.update(override)
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if isinstance(value, list):
                query.setlist(key, [str(v) for v in value])
            elif value not in (None, ""):
                query[key] = str(value)
        return query.urlencode()


def cut_from_form(form: CutForm, *, today: date | None = None) -> Cut:
    """Build a Cut from a *valid* form. A day preset wins over explicit dates."""
    data = form.cleaned_data
    start, end = data.get("start"), data.get("end")
    days = data.get("days") or ""
    if days:
        start, end = (today or timezone.localdate()) - timedelta(days=int(days)), None
    return Cut(
        segments=tuple(sorted(data.get("segment") or [])),
        sources=tuple(sorted(data.get("source") or [])),
        theme_id=data["theme"].pk if data.get("theme") else None,
        account_id=data.get("account"),
        owner_id=data["owner"].pk if data.get("owner") else None,
        start=start,
        end=end,
        q=data.get("q") or "",
        page=data.get("page") or 1,
        days=days,
        sort=data.get("sort") or "",
    )


def parse_cut(params: QueryDict, *, today: date | None = None) -> tuple[Cut, CutForm]:
    """The cut for a query string; on invalid input, the empty cut and the form carrying the errors."""
    form = CutForm(params)
    if not form.is_valid():
        return Cut(), form
    return cut_from_form(form, today=today), form


def aware_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def search_query(text: str) -> SearchQuery:
    # websearch syntax: quoted phrases, OR, -exclusion; stemmed with the same 'english' config as the documents.
    return SearchQuery(text, search_type="websearch", config="english")


def items_for(cut: Cut) -> QuerySet[FeedbackItem]:
    """Every item in the cut, unordered. Segment filters use the accounts' *current* segments and combine with AND."""
    qs = FeedbackItem.objects.all()
    for key in cut.segments:
        qs = qs.filter(segments.item_q(key))
    if cut.sources:
        qs = qs.filter(source__in=cut.sources)
    if cut.theme_id:
        qs = qs.filter(
            pk__in=FeedbackTheme.objects.filter(theme_id=cut.theme_id, removed=False).values("item_id")
        )
    if cut.account_id:
        qs = qs.filter(account_id=cut.account_id)
    if cut.owner_id:
        qs = qs.filter(account__in=Account.objects.filter(owner_csm_id=cut.owner_id).values("pk"))
    if cut.start:
        qs = qs.filter(occurred_at__gte=aware_day(cut.start))
    if cut.end:
        qs = qs.filter(occurred_at__lt=aware_day(cut.end + timedelta(days=1)))
    if cut.q:
        qs = qs.filter(fact__document=search_query(cut.q))  # the fact row's GIN index (feedback_itemfact)
    return qs


def ordered_items(cut: Cut) -> QuerySet[FeedbackItem]:
    """Items for display, newest first; by search rank (then newest) when searching with sort=relevance."""
    qs = items_for(cut)
    if cut.q and cut.sort == "relevance":
        return qs.annotate(rank=SearchRank(F("fact__document"), search_query(cut.q))).order_by(
            "-rank", "-occurred_at", "-id"
        )
    return qs.order_by("-occurred_at", "-id")


def search_terms(text: str) -> list[str]:
    """The words to highlight: search words without websearch operators."""
    terms = []
    for raw in text.replace('"', " ").split():
        word = raw.lstrip("-")
        if raw.startswith("-") or word.lower() == "or" or len(word) < 2:
            continue
        terms.append(word)
    return terms
