"""seed_demo leaves the trend reports showing what the README promises."""

from __future__ import annotations

from django.core.management import call_command

from readiness.models import Release
from reports.trends import TrendParams, trend_report
from reports.trends_clusters import untagged_clusters
from reports.trends_demo import CHURN_THEME, EXPANSION_THEME, LAUNCH_RELEASE
from reports.trends_launches import launch_outcome

from .conftest import TODAY


def test_seed_demo_plants_one_rising_churn_and_one_rising_expansion_theme(db):
    call_command("seed_demo", "--no-progress", "--anchor", TODAY.isoformat(), "--items", "4000")
    report = trend_report(TrendParams(today=TODAY))
    assert [s.name for s in report.rising("churn")] == [CHURN_THEME]
    assert [s.name for s in report.rising("expansion")] == [EXPANSION_THEME]
    churn = report.rising("churn")[0]
    assert churn.accounts_arr > 0 and churn.weighted_rise > 0
    outcome = launch_outcome(Release.objects.get(name=LAUNCH_RELEASE), today=TODAY)
    assert outcome.tickets.verdict == "fewer"
    names = sorted(c.suggested_name for c in untagged_clusters(today=TODAY))
    assert len(names) == 3 and any("Dark" in n for n in names)
