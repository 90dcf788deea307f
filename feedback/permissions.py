"""Who may do what in the feedback pillar, beyond reading it (PILLAR_ROLES["feedback"])."""

from __future__ import annotations

from productops.navigation import PILLAR_ROLES
from productops.roles import Role

READ_ROLES = PILLAR_ROLES["feedback"]
# Tagging, theme edits, merge and split shape what the whole company sees: PMs and Product Ops.
CURATE_ROLES = frozenset({Role.PM, Role.PRODUCT_OPS})
# Feedback logged on a customer's behalf (manual/proxy entries) comes from the field too.
LOG_ROLES = frozenset({Role.PM, Role.PRODUCT_OPS, Role.CSM, Role.SALES})
