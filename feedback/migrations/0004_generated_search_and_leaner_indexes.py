"""Bulk ingest made cheaper for the database without losing anything a query uses.

- search_vector becomes a stored generated column (PostgreSQL computes it in the executor; the PL/pgSQL trigger it
  replaces cost about twice as much per inserted row). The GIN index is rebuilt on the new column.
- content_hash lets a re-sync tell unchanged records apart with one indexed lookup.
- feedback_occurred_idx duplicated feedback_cut_cover_idx (same key, read backwards), and the account FK index
  duplicated the prefix of feedback_account_time_idx; the deal and logged-by indexes become partial, since most
  items have neither.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models
from django.db.models import Q

import feedback.models
from productops.db import PostgresOnlySQL

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS feedback_item_search_vector_update ON feedback_feedbackitem;
DROP FUNCTION IF EXISTS feedback_item_search_vector();
"""
# The trigger of migration 0002 is not brought back on the way down: 0002's own backward step expects it.
RESTORE_TRIGGER = """
CREATE OR REPLACE FUNCTION feedback_item_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER feedback_item_search_vector_update
  BEFORE INSERT OR UPDATE OF title, body ON feedback_feedbackitem
  FOR EACH ROW EXECUTE FUNCTION feedback_item_search_vector();
"""
GIN = "CREATE INDEX IF NOT EXISTS feedback_item_search_gin ON feedback_feedbackitem USING gin (search_vector)"
NO_GIN = "DROP INDEX IF EXISTS feedback_item_search_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_voc_themes_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        PostgresOnlySQL(DROP_TRIGGER, RESTORE_TRIGGER),
        migrations.RemoveField(model_name="feedbackitem", name="search_vector"),
        migrations.AddField(
            model_name="feedbackitem",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=feedback.models.SearchDocument(),
                output_field=SearchVectorField(null=True),
            ),
        ),
        PostgresOnlySQL(GIN, NO_GIN),
        migrations.AddField(
            model_name="feedbackitem",
            name="content_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.RemoveIndex(model_name="feedbackitem", name="feedback_occurred_idx"),
        migrations.AlterField(
            model_name="feedbackitem",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="feedback",
                to="feedback.account",
            ),
        ),
        migrations.AlterField(
            model_name="feedbackitem",
            name="opportunity",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="feedback",
                to="feedback.opportunity",
            ),
        ),
        migrations.AlterField(
            model_name="feedbackitem",
            name="logged_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="logged_feedback",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="feedbackitem",
            index=models.Index(
                condition=Q(opportunity__isnull=False), fields=["opportunity"], name="feedback_item_deal_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="feedbackitem",
            index=models.Index(
                condition=Q(logged_by__isnull=False), fields=["logged_by"], name="feedback_item_logged_by_idx"
            ),
        ),
    ]
