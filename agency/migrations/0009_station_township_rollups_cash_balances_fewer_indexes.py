"""Township figures from the station rollup rows (each stamped with its township) instead of township
rows every payment of a township updated; a running cash balance per station drawer; fewer indexes on
counter transactions (partial where most rows need none) and none of its own on an entry's account."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The township of each rollup row: the first three steps (4 characters each) of its station's village path.
STAMP = """UPDATE {table} SET township_path = (SELECT substr(village.path, 1, 12) FROM stations_station station
JOIN stations_region village ON village.id = station.village_id WHERE station.id = {table}.station_id)"""


class Migration(migrations.Migration):

    dependencies = [
        ('agency', '0008_commission_plan_versions_kept_on_postgresql'),
        ('stations', '0003_station_status_closed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CashBalance',
            fields=[
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='cash_balance', serialize=False, to='agency.account')),
                ('balance_fen', models.BigIntegerField(default=0, verbose_name='balance (fen)')),
            ],
            options={
                'verbose_name': 'cash balance',
                'verbose_name_plural': 'cash balances',
            },
        ),
        migrations.DeleteModel(
            name='CommissionTownshipDayRollup',
        ),
        migrations.DeleteModel(
            name='CommissionTownshipRollup',
        ),
        migrations.RemoveIndex(
            model_name='commissiondayrollup',
            name='agency_rollup_product_day',
        ),
        migrations.RemoveIndex(
            model_name='commissionrollup',
            name='agency_rollup_product_month',
        ),
        migrations.RemoveIndex(
            model_name='countertransaction',
            name='agency_coun_status_f5c8c5_idx',
        ),
        migrations.RemoveIndex(
            model_name='countertransaction',
            name='agency_coun_kind_8db3ec_idx',
        ),
        migrations.AddField(
            model_name='commissiondayrollup',
            name='township_path',
            field=models.CharField(default='', help_text="The path of the station's township when the row was written", max_length=12, verbose_name='township'),
        ),
        migrations.AddField(
            model_name='commissionrollup',
            name='township_path',
            field=models.CharField(default='', help_text="The path of the station's township when the row was written", max_length=12, verbose_name='township'),
        ),
        migrations.RunSQL(STAMP.format(table="agency_commissionrollup"), migrations.RunSQL.noop),
        migrations.RunSQL(STAMP.format(table="agency_commissiondayrollup"), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='countertransaction',
            name='reference',
            field=models.CharField(max_length=20, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='countertransaction',
            name='reversed_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reversed by'),
        ),
        migrations.AlterField(
            model_name='countertransaction',
            name='station',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='counter_transactions', to='stations.station', verbose_name='station'),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='agency.account'),
        ),
        migrations.AddIndex(
            model_name='commissiondayrollup',
            index=models.Index(fields=['product_key', 'day', 'township_path'], name='agency_rollup_product_day_tp'),
        ),
        migrations.AddIndex(
            model_name='commissionrollup',
            index=models.Index(fields=['product_key', 'month', 'township_path'], name='agency_rollup_product_month_tp'),
        ),
        migrations.AddIndex(
            model_name='countertransaction',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'unknown'])), fields=['created_at'], name='agency_transaction_open'),
        ),
        migrations.AddIndex(
            model_name='countertransaction',
            index=models.Index(condition=models.Q(('external_reference', ''), _negated=True), fields=['kind', 'external_reference'], name='agency_transaction_external'),
        ),
        migrations.AddIndex(
            model_name='countertransaction',
            index=models.Index(condition=models.Q(('reversed_by__isnull', False)), fields=['reversed_by'], name='agency_transaction_reversed_by'),
        ),
        migrations.AddConstraint(
            model_name='countertransaction',
            constraint=models.UniqueConstraint(fields=('reference',), name='agency_transaction_reference_unique'),
        ),
    ]
