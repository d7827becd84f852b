# The store sales report as a background report job (the PDF with its charts).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_reportjob_commission_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reportjob',
            name='kind',
            field=models.CharField(choices=[('gov_kpis', 'Government-service KPIs'), ('request_rows', 'Requests, one row each'), ('commissions', 'Commission report'), ('commission_rows', 'Commission transactions, one row each'), ('shop_sales', 'Store sales report')], max_length=20, verbose_name='report'),
        ),
    ]
