from __future__ import annotations

from celery import shared_task

from productops.task_options import task_options

TASK_OPTIONS = task_options(max_retries=5)


@shared_task(name="reports.tasks.weekly_cpo_summary", **TASK_OPTIONS)
def weekly_cpo_summary() -> list[int]:
    from reports.summary import weekly_summary

    summary_id, sent = weekly_summary()
    return [summary_id, sent]


@shared_task(name="reports.tasks.warm_trends", acks_late=True, max_retries=0)
def warm_trends() -> int:
    """Compute the CPO's default trend report, launch outcomes and clusters ahead of the first view after a write (cached per store generation)."""
    from django.utils import timezone

    from reports.trends import TrendParams
    from reports.views.trends import cached_clusters, cached_launches, cached_report

    today = timezone.localdate()
    report = cached_report(TrendParams(today=today))
    cached_launches(today)
    cached_clusters(today)
    return len(report.signals.get("all", []))
