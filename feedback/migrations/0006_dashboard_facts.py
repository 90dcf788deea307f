"""Narrow fact tables for the dashboard's figures, kept exact by statement-level triggers (feedback/fact_sql.py).

The migration creates the tables, the functions and triggers; 0007 stores the current segment thresholds and fills the
tables from the store (see `fill` below).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from feedback import fact_sql


def fill(apps, schema_editor):
    # Filled by 0009 since it added feedback_themeset: the functions created below are today's fact_sql, whose
    # rebuild writes that table, so rebuilding here would fail on a new database.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0005_unknown_arr_amount_blocker_names_theme_aliases'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountFact',
            fields=[
                ('account_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('segbits', models.IntegerField()),
                ('owner_id', models.BigIntegerField(default=0)),
                ('arr', models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ('sources_mask', models.IntegerField(db_default=0)),
            ],
            options={
                'db_table': 'feedback_accountfact',
            },
        ),
        migrations.CreateModel(
            name='AccountThemeFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_id', models.BigIntegerField()),
                ('theme_id', models.BigIntegerField()),
                ('sources_mask', models.IntegerField()),
            ],
            options={
                'db_table': 'feedback_accountthemefact',
                'constraints': [models.UniqueConstraint(fields=('account_id', 'theme_id'), name='accountthemefact_key')],
            },
        ),
        migrations.CreateModel(
            name='ClassFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('items', models.IntegerField(default=0)),
                ('nps_n', models.IntegerField(default=0)),
                ('nps_sum', models.IntegerField(default=0)),
                ('detractors', models.IntegerField(default=0)),
                ('promoters', models.IntegerField(default=0)),
                ('source', models.CharField(max_length=16)),
                ('segbits', models.IntegerField()),
                ('owner_id', models.BigIntegerField()),
            ],
            options={
                'db_table': 'feedback_classfact',
                'constraints': [models.UniqueConstraint(fields=('source', 'segbits', 'owner_id'), name='classfact_key')],
            },
        ),
        migrations.CreateModel(
            name='FactChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(max_length=16)),
                ('n', models.BigIntegerField(default=1)),
            ],
            options={
                'db_table': 'feedback_factchange',
                'indexes': [models.Index(fields=['relation'], include=('n',), name='factchange_relation_idx')],
            },
        ),
        migrations.CreateModel(
            name='ItemFact',
            fields=[
                ('item_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('occurred_at', models.DateTimeField()),
                ('week', models.DateField()),
                ('account_id', models.BigIntegerField(null=True)),
                ('source', models.CharField(max_length=16)),
                ('nps_score', models.SmallIntegerField(null=True)),
                ('theme_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
            ],
            options={
                'db_table': 'feedback_itemfact',
                'indexes': [models.Index(fields=['occurred_at'], include=('week', 'account_id', 'source', 'nps_score', 'theme_ids'), name='itemfact_time_idx'), models.Index(fields=['account_id'], name='itemfact_account_idx')],
            },
        ),
        migrations.CreateModel(
            name='ThemeClassFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('theme_id', models.BigIntegerField()),
                ('source', models.CharField(max_length=16)),
                ('segbits', models.IntegerField()),
                ('owner_id', models.BigIntegerField()),
                ('items', models.IntegerField(default=0)),
            ],
            options={
                'db_table': 'feedback_themeclassfact',
                'constraints': [models.UniqueConstraint(fields=('theme_id', 'source', 'segbits', 'owner_id'), name='themeclassfact_key')],
            },
        ),
        migrations.CreateModel(
            name='WeekFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField()),
                ('source', models.CharField(max_length=16)),
                ('segbits', models.IntegerField()),
                ('owner_id', models.BigIntegerField()),
                ('items', models.IntegerField(default=0)),
            ],
            options={
                'db_table': 'feedback_weekfact',
                'constraints': [models.UniqueConstraint(fields=('week', 'source', 'segbits', 'owner_id'), name='weekfact_key')],
            },
        ),
        migrations.RunSQL(fact_sql.CONFIG_TABLE + fact_sql.FUNCTIONS + fact_sql.TRIGGERS, fact_sql.DROP),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
