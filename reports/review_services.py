"""Writes for the cross-functional review: generating a pack, recording a decision."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from feedback.models import Theme
from reports import review_selectors
from reports.models import Decision, DecisionOutcome, Review


class DecisionError(ValueError):
    """A decision that cannot be recorded; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def review_create(*, user: Any, title: str = "", now: datetime | None = None) -> Review:
    """A pack covering feedback since the previous review (or the last REVIEW_FIRST_PERIOD_DAYS for the first)."""
    now = now or timezone.now()
    previous = review_selectors.previous_review(before=now)
    start = previous.period_end if previous else now - timedelta(days=settings.REVIEW_FIRST_PERIOD_DAYS)
    pack = review_selectors.build_pack(start, now)
    return Review.objects.create(
        title=title.strip()[:200] or f"Feedback review, {timezone.localtime(now):%b %-d, %Y}",
        period_start=start,
        period_end=now,
        pack=pack,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def decision_record(
    *,
    theme: Theme,
    outcome: str,
    user: Any,
    owner: Any = None,
    note: str = "",
    review: Review | None = None,
    merge_into: Theme | None = None,
) -> Decision:
    """Append a decision to a theme's log. A merge decision names the theme to merge into; it records the decision,
    the merge itself is done on the theme page (it moves every link and deal, and is a curator's act)."""
    if outcome not in DecisionOutcome.values:
        raise DecisionError("outcome", f"Choose one of: {', '.join(DecisionOutcome.values)}.")
    if theme.merged_into_id:
        raise DecisionError("theme", f"“{theme.name}” was already merged into another theme.")
    if outcome == DecisionOutcome.MERGE:
        if merge_into is None:
            raise DecisionError("merge_into", "A merge decision names the theme to merge into.")
        if merge_into.pk == theme.pk:
            raise DecisionError("merge_into", "A theme cannot be merged into itself.")
        if merge_into.merged_into_id:
            raise DecisionError("merge_into", f"“{merge_into.name}” was itself merged into another theme.")
    else:
        merge_into = None
    return Decision.objects.create(
        theme=theme,
        outcome=outcome,
        merge_into=merge_into,
        owner=owner,
        note=note.strip(),
        review=review,
        decided_by=user if getattr(user, "is_authenticated", False) else None,
    )
