"""The shared rollups stay exact and deadlock-free when a sync re-segments accounts while another writes their items
(feedback.fact_sql; README, "Feedback dashboard", Speed).

- Every write to the rollup rows takes one transaction-level lock first (feedback_fact_lock_rollups): the flush at
  commit, and the account and deal triggers that re-segment or delete accounts mid-transaction. A CRM page
  re-segmenting an account (its row locked until commit) and a ticket page giving that account a new source (class
  rows locked at commit, then the account's row) deadlocked. The item references' check, which took the same key
  shared or exclusive, runs under it.
- Item deltas are noted per account and classed at flush under that lock (feedback_fact_resolve): a class looked up
  when the items were written could be changed by the other transaction's re-segmentation before this one commits.
"""

from django.db import migrations

from feedback import fact_sql


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0011_drop_source_time_index"),
    ]

    operations = [
        migrations.RunSQL(fact_sql.FUNCTIONS, migrations.RunSQL.noop),
    ]
