# The commission report and its every-transaction export as background report jobs.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_report_jobs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reportjob',
            name='kind',
            field=models.CharField(choices=[('gov_kpis', 'Government-service KPIs'), ('request_rows', 'Requests, one row each'), ('commissions', 'Commission report'), ('commission_rows', 'Commission transactions, one row each')], max_length=20, verbose_name='report'),
        ),
    ]
