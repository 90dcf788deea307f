"""The new-items fact trigger looks up the page's accounts by key instead of letting the planner hash every account
(feedback/fact_sql.py, feedback_fact_items_inserted): the functions are replaced in place."""

from django.db import migrations

from feedback import fact_sql


class Migration(migrations.Migration):
    dependencies = [("feedback", "0007_search_document_on_item_facts")]

    operations = [migrations.RunSQL(fact_sql.FUNCTIONS, migrations.RunSQL.noop)]
