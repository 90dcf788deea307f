"""The portal's pillars, the roles that may open each, and the navigation built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from productops.roles import Role, has_any_role

R = Role


@dataclass(frozen=True)
class Pillar:
    key: str
    label: str
    path: str
    roles: frozenset[Role]
    icon: str


PILLARS: tuple[Pillar, ...] = (
    Pillar("feedback", "Feedback", "/feedback/", frozenset({R.PM, R.PRODUCT_OPS, R.CPO, R.CSM}), "feedback"),
    Pillar("readiness", "Readiness", "/readiness/", frozenset(Role), "readiness"),
    Pillar("digest", "Digest", "/digest/", frozenset(Role), "digest"),
    Pillar("roadmap", "Roadmap", "/roadmap/", frozenset(Role), "roadmap"),
    Pillar("audits", "Audits", "/audits/", frozenset({R.PRODUCT_OPS, R.CPO, R.PM, R.SALES}), "audits"),
    Pillar("integrations", "Integrations", "/integrations/", frozenset({R.PRODUCT_OPS}), "integrations"),
    Pillar("reports", "Reports", "/reports/", frozenset({R.CPO, R.PRODUCT_OPS, R.PM}), "reports"),
)
PILLAR_ROLES: dict[str, frozenset[Role]] = {pillar.key: pillar.roles for pillar in PILLARS}


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    return [
        {"label": p.label, "path": p.path, "icon": p.icon, "active": current_path.startswith(p.path)}
        for p in PILLARS
        if has_any_role(user, p.roles)
    ]
