"""A version for releases' affected accounts: each write statement on the link table appends a row to
feedback_factchange (relation "affected"), in the writer's transaction, as the dashboard's fact triggers do for their
tables. The board's "my accounts" counts and the kit's owner counts are cached under it (see readiness.selectors)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION readiness_affected_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO feedback_factchange (relation, n) VALUES ('affected', 1);
    RETURN NULL;
END $$;
CREATE TRIGGER readiness_affected_changed AFTER INSERT OR UPDATE OR DELETE ON readiness_release_affected_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION readiness_affected_touched();
"""

REVERSE = """
DROP TRIGGER IF EXISTS readiness_affected_changed ON readiness_release_affected_accounts;
DROP FUNCTION IF EXISTS readiness_affected_touched();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0004_faq_author_and_history"),
        ("feedback", "0006_dashboard_facts"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
