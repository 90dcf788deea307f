"""The item table's (source, time) index goes: each ingested item inserted into it at a random place (about 2 ms per
1,000 items, README "Speed"), and what read it is served as well by others: a source filter alone by the
(source, external_id) key, a source within a time window by the covering time index.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_item_references_checked_at_commit"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="feedbackitem",
            name="feedback_source_time_idx",
        ),
    ]
