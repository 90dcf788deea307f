"""The reports' narrow pre-aggregates (see reports/rollups.py): two materialised views over the theme links and their
items, and the baked trend tables. The views' day is the item's day in TIME_ZONE as set when this migration ran."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import migrations, models


def _tz() -> str:
    # A time zone name is interpolated into the view's definition (a view takes no parameters): allow names only.
    if not re.fullmatch(r"[A-Za-z0-9_/+\-]+", settings.TIME_ZONE):
        raise ValueError(f"Unexpected TIME_ZONE {settings.TIME_ZONE!r}")
    return settings.TIME_ZONE


def _create_views(apps, schema_editor) -> None:
    day = f"(i.occurred_at AT TIME ZONE '{_tz()}')::date"
    schema_editor.execute(
        f"""
        CREATE MATERIALIZED VIEW reports_theme_day AS
        SELECT ft.theme_id, {day} AS day, i.source::text AS source,
               count(*)::int AS n, count(i.nps_score)::int AS nps_n,
               (count(*) FILTER (WHERE i.nps_score <= 6))::int AS detractors
        FROM feedback_feedbacktheme ft JOIN feedback_feedbackitem i ON i.id = ft.item_id
        WHERE NOT ft.removed
        GROUP BY 1, 2, 3
        """
    )
    schema_editor.execute(
        "CREATE UNIQUE INDEX reports_theme_day_key ON reports_theme_day (theme_id, day, source) "
        "INCLUDE (n, nps_n, detractors)"
    )
    schema_editor.execute(
        f"""
        CREATE MATERIALIZED VIEW reports_theme_account AS
        SELECT ft.theme_id, i.account_id,
               range_agg(daterange({day}, {day}, '[]')) AS days,
               range_agg(daterange({day}, {day}, '[]')) FILTER (WHERE i.source = 'gong') AS call_days
        FROM feedback_feedbacktheme ft JOIN feedback_feedbackitem i ON i.id = ft.item_id
        WHERE NOT ft.removed AND i.account_id IS NOT NULL
        GROUP BY 1, 2
        """
    )
    schema_editor.execute(
        "CREATE UNIQUE INDEX reports_theme_account_key ON reports_theme_account (theme_id, account_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_cpo_summary"),
        ("feedback", "0005_unknown_arr_amount_blocker_names_theme_aliases"),
    ]

    operations = [
        migrations.RunPython(_create_views, migrations.RunPython.noop),
        migrations.RunSQL(
            migrations.RunSQL.noop,
            "DROP MATERIALIZED VIEW IF EXISTS reports_theme_account; "
            "DROP MATERIALIZED VIEW IF EXISTS reports_theme_day;",
        ),
        migrations.CreateModel(
            name="RollupState",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("refreshed_at", models.DateTimeField()),
                ("current_week", models.DateField()),
                ("recent_from", models.DateField()),
                ("seconds", models.FloatField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="TrendWeek",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("theme_id", models.IntegerField()),
                ("week", models.DateField()),
                ("items", models.IntegerField()),
                ("churn", models.IntegerField()),
                ("churn_arr", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ("churn_unknown", models.IntegerField()),
                ("expansion", models.IntegerField()),
                ("expansion_arr", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ("expansion_unknown", models.IntegerField()),
            ],
            options={"indexes": [models.Index(fields=["week", "theme_id"], name="reports_trendweek_week_idx")]},
        ),
        migrations.CreateModel(
            name="TrendAccounts",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("theme_id", models.IntegerField()),
                ("signal", models.CharField(max_length=16)),
                ("accounts", models.IntegerField()),
                ("arr", models.DecimalField(decimal_places=2, max_digits=20)),
                ("unknown", models.IntegerField()),
            ],
        ),
    ]
