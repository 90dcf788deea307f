from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProductOpsConfig(AppConfig):
    name = "productops"
    verbose_name = "Product Ops portal"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.utils.autoreload import file_changed

        # Binds @shared_task to the configured app (broker, serializers) in every Django process.
        import productops.celery  # noqa: F401
        from productops.page_cache import (
            clear_on_file_change,
            clear_on_setting_change,
            install_version_triggers,
        )
        from productops.role_groups import sync_role_groups_after_migrate

        # Apps added later get their permissions granted to the roles without a new data migration each time.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="productops.sync_role_groups")
        post_migrate.connect(install_version_triggers, dispatch_uid="productops.page_version_triggers")
        setting_changed.connect(clear_on_setting_change, dispatch_uid="productops.page_cache_settings")
        file_changed.connect(clear_on_file_change, dispatch_uid="productops.page_cache_files")
