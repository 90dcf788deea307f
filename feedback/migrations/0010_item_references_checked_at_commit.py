"""An item's account and deal references are checked set-based at commit by the store's triggers instead of by
per-row foreign keys (feedback.fact_sql, feedback_fact_check_refs; README, "Feedback dashboard", Speed).

Each foreign key ran one lookup per inserted item at commit: about 8 ms per 1,000 ingested items, in the part of a
sync's page that waits for the previous page to commit. The triggers keep a foreign key's guarantees: an item cannot
point at a missing account or deal, and a referenced account or deal cannot be deleted.
"""

import django.db.models.deletion
from django.db import migrations, models

from feedback import fact_sql


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0009_theme_sets_on_item_facts"),
    ]

    operations = [
        # The functions first: from here on the triggers check what the foreign keys checked.
        migrations.RunSQL(
            "ALTER TABLE feedback_factdelta ADD COLUMN IF NOT EXISTS refs bigint[];" + fact_sql.FUNCTIONS,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="feedbackitem",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="feedback",
                to="feedback.account",
            ),
        ),
        migrations.AlterField(
            model_name="feedbackitem",
            name="opportunity",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="feedback",
                to="feedback.opportunity",
            ),
        ),
    ]
