from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_default_templates(sender: Any, **kwargs: Any) -> None:
    from readiness.services import templates_ensure_defaults

    templates_ensure_defaults()


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Launch readiness"

    def ready(self) -> None:
        # The data migration loads the templates once; this puts back a tier's template after a database flush
        # (tests) without touching templates Product Ops has edited.
        post_migrate.connect(
            _ensure_default_templates, sender=self, dispatch_uid="readiness.default_templates"
        )
