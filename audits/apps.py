from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_defaults(sender: Any, **kwargs: Any) -> None:
    from audits.inbound_services import rules_ensure_defaults
    from audits.services import templates_ensure_defaults

    templates_ensure_defaults()
    rules_ensure_defaults()


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Time audits"

    def ready(self) -> None:
        # The shipped survey templates and classifier rules come back after a flush without overwriting edits.
        post_migrate.connect(_ensure_defaults, sender=self, dispatch_uid="audits.defaults")
