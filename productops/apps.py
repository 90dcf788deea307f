from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProductOpsConfig(AppConfig):
    name = "productops"
    verbose_name = "Product Ops portal"

    def ready(self) -> None:
        # Binds @shared_task to the configured app (broker, serializers) in every Django process.
        import productops.celery  # noqa: F401
        from productops.role_groups import sync_role_groups_after_migrate

        # Apps added later get their permissions granted to the roles without a new data migration each time.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="productops.sync_role_groups")
