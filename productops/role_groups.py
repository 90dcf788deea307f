"""Which Django permissions each role's group holds. Applied by a migration and re-applied after every migrate."""

from __future__ import annotations

from typing import Any

from productops.roles import Role

PILLAR_APPS = ("feedback", "integrations", "readiness", "digest", "audits")

# (app_label, action, model): "*" matches any. Actions are Django's add / change / delete / view.
ROLE_PERMISSIONS: dict[Role, list[tuple[str, str, str]]] = {
    Role.PRODUCT_OPS: [(app, "*", "*") for app in PILLAR_APPS],
    Role.PM: [
        *((app, "view", "*") for app in PILLAR_APPS),
        ("feedback", "add", "*"),
        ("feedback", "change", "*"),
        ("readiness", "add", "release"),
        ("readiness", "change", "release"),
        ("readiness", "change", "checklistitem"),
        ("readiness", "*", "faqentry"),
        ("digest", "change", "*"),
        ("audits", "add", "*"),
    ],
    Role.CSM: [
        ("feedback", "view", "*"),
        ("feedback", "add", "feedbackitem"),
        ("readiness", "view", "*"),
        ("readiness", "change", "checklistitem"),
        ("readiness", "*", "faqentry"),
        ("digest", "view", "*"),
        ("audits", "add", "*"),
    ],
    Role.SALES: [
        ("digest", "view", "*"),
        ("readiness", "view", "*"),
        ("feedback", "add", "feedbackitem"),
        ("audits", "add", "*"),
    ],
    Role.CPO: [(app, "view", "*") for app in PILLAR_APPS],
}


def _matches(pattern: tuple[str, str, str], app_label: str, codename: str) -> bool:
    app, action, model = pattern
    perm_action, _, perm_model = codename.partition("_")
    return app in ("*", app_label) and action in ("*", perm_action) and model in ("*", perm_model)


def sync_role_groups(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and set their permissions to exactly what ROLE_PERMISSIONS grants."""
    permissions = list(
        permission_model.objects.filter(content_type__app_label__in=PILLAR_APPS).select_related(
            "content_type"
        )
    )
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        granted = [
            perm
            for perm in permissions
            if any(_matches(p, perm.content_type.app_label, perm.codename) for p in patterns)
        ]
        group.permissions.set(granted)


def sync_role_groups_after_migrate(sender: Any, **kwargs: Any) -> None:
    # Sent once per app with models (productops has none); each app's permissions exist by the time its own
    # signal arrives, so re-syncing on each keeps the groups complete, also after a test flush.
    if sender.label not in (*PILLAR_APPS, "auth"):
        return
    from django.contrib.auth.models import Group, Permission

    sync_role_groups(Group, Permission)
