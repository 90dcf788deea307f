"""Who may do what in the feedback pillar, beyond reading it (PILLAR_ROLES["feedback"])."""

from __future__ import annotations

from typing import Any

from productops.navigation import PILLAR_ROLES
from productops.roles import Role, has_any_role

# Who may read customer verbatims: ticket bodies, call notes, NPS comments, feedback titles. The same on every page,
# in every email and in the API; Sales is not among them (it sees themes, counts, ARR and text our people wrote).
READ_ROLES = PILLAR_ROLES["feedback"]
# Tagging, theme edits, merge and split shape what the whole company sees: PMs and Product Ops.
CURATE_ROLES = frozenset({Role.PM, Role.PRODUCT_OPS})
# Feedback logged on a customer's behalf (manual/proxy entries) comes from the field too.
LOG_ROLES = frozenset({Role.PM, Role.PRODUCT_OPS, Role.CSM, Role.SALES})


def can_read_feedback(user: Any) -> bool:
    """The one rule for customer verbatims. Pages, emails and the API ask this, never a role list of their own."""
    return has_any_role(user, READ_ROLES)
