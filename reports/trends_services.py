"""Writes the trend report makes: a theme from a cluster of untagged feedback (through feedback.services)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from feedback import services as feedback_services
from feedback.models import FeedbackItem, Theme
from reports.trends_clusters import MAX_CLUSTER_ITEMS


class ClusterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def theme_create_from_cluster(*, name: str, item_ids: list[int], user: Any) -> Theme:
    """A new theme holding the cluster's items, tagged by this person (no keyword rule: the PM adds one later)."""
    name = name.strip()
    if not name:
        raise ClusterError("name", "Give the theme a name.")
    if Theme.objects.filter(name__iexact=name).exists():
        raise ClusterError(
            "name", f"A theme called {name!r} exists already; pick another name or tag by hand."
        )
    ids = sorted(set(item_ids))[:MAX_CLUSTER_ITEMS]
    if not FeedbackItem.objects.filter(pk__in=ids).exists():
        raise ClusterError("item_ids", "These items no longer exist; reload the page.")
    theme = feedback_services.theme_create(
        name=name,
        user=user,
        description=f"Created on the trend report from {len(ids)} similar untagged items.",
    )
    feedback_services.tag_by_person(item_ids=ids, theme=theme, user=user)
    return theme
