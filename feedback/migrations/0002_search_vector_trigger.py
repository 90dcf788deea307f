"""Full-text search on PostgreSQL: a trigger keeps search_vector current and a GIN index answers queries."""

from django.db import migrations


FORWARD = """
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

CREATE INDEX feedback_item_search_gin ON feedback_feedbackitem USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS feedback_item_search_gin;
DROP TRIGGER IF EXISTS feedback_item_search_vector_update ON feedback_feedbackitem;
DROP FUNCTION IF EXISTS feedback_item_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
