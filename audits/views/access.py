from __future__ import annotations

from productops.navigation import PILLAR_ROLES
from productops.roles import Role

READ_ROLES = PILLAR_ROLES["audits"]
OPS_ROLES = (Role.PRODUCT_OPS,)
# The PM-contact prompt is for the people who protect PM time, not for the teams that ask PMs questions.
CONTACT_ROLES = (Role.PRODUCT_OPS, Role.CPO, Role.PM)
INBOUND_READ_ROLES = (Role.PRODUCT_OPS, Role.CPO, Role.PM)
INBOUND_LOG_ROLES = (Role.PRODUCT_OPS, Role.PM)
ASK_ROLES = (Role.SALES, Role.CSM, Role.PRODUCT_OPS)
EVERYONE = tuple(Role)
