# Statements get a payout step (paid, by whom, bank reference, the ledger journal); a counter sale keeps
# the cash received. Numbered 0011: 0009–0010 are the store front's (another branch). After merging both,
# point this dependency at shop 0010.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agency', '0013_journal_kind_merchant_payout'),
        ('shop', '0008_event_logs_append_only_on_postgresql'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='countersale',
            name='cash_received_fen',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='cash received (fen)'),
        ),
        migrations.AddField(
            model_name='merchantstatement',
            name='paid_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='merchantstatement',
            name='paid_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='merchantstatement',
            name='payment_reference',
            field=models.CharField(blank=True, max_length=60, verbose_name='bank payment reference'),
        ),
        migrations.AddField(
            model_name='merchantstatement',
            name='payout_journal',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.journal'),
        ),
        migrations.AlterField(
            model_name='merchantstatement',
            name='status',
            field=models.CharField(choices=[('generated', 'Generated'), ('approved', 'Approved'), ('paid', 'Paid')], default='generated', max_length=10, verbose_name='status'),
        ),
    ]
