"""The full-text document moves from the item row to its fact row (README, "Feedback dashboard", Speed).

A search then selects the cut's rows from feedback_itemfact's own GIN index and computes the figures from the rows it
found, instead of reading ~90k wide item rows for their ids and probing the fact table for each. The item row loses
its generated column and GIN index; the fact triggers compute the document on insert and when a title or body
changes. The fact tables are rebuilt to fill the documents by 0009 (40-60 s at a million items).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from feedback import fact_sql


def fill(apps, schema_editor):
    # Filled by 0009 (in the same `migrate`) since it added feedback_themeset: the functions created here are
    # today's fact_sql, whose rebuild writes that table, so rebuilding here would fail.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_dashboard_facts"),
    ]

    operations = [
        # The column stays item_id (bigint, primary key, no foreign key): only Django's view of it changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="itemfact", name="item_id"),
                migrations.AddField(
                    model_name="itemfact",
                    name="item",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="fact",
                        serialize=False,
                        to="feedback.feedbackitem",
                    ),
                    preserve_default=False,
                ),
            ],
            database_operations=[],
        ),
        migrations.RemoveField(model_name="feedbackitem", name="search_vector"),  # drops its GIN index too
        migrations.AddField(
            model_name="itemfact",
            name="document",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunSQL(fact_sql.FUNCTIONS, migrations.RunSQL.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # Built after the fill: one sorted build instead of a million index insertions.
        migrations.AddIndex(
            model_name="itemfact",
            index=django.contrib.postgres.indexes.GinIndex(fields=["document"], name="itemfact_document_gin"),
        ),
    ]
