from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports that read across the other apps (feedback, readiness, audits) through their selectors.

    It owns no source data: only what a report needs to be reproduced or sent (saved reports, summaries).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        from feedback.cache import store_changed
        from reports.rollups import schedule_refresh

        # After each sync batch or tagging change: refresh the reports' pre-aggregates (debounced).
        store_changed.connect(schedule_refresh, dispatch_uid="reports-rollup-refresh")
