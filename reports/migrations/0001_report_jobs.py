# Report jobs: background reports and exports with progress.

import core.storage
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('idempotency_key', models.UUIDField(unique=True, verbose_name='idempotency key')),
                ('kind', models.CharField(choices=[('gov_kpis', 'Government-service KPIs'), ('request_rows', 'Requests, one row each')], max_length=20, verbose_name='report')),
                ('file_format', models.CharField(choices=[('pdf', 'PDF'), ('xlsx', 'XLSX'), ('csv', 'CSV')], max_length=4, verbose_name='format')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('done', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                ('step', models.CharField(blank=True, max_length=120, verbose_name='step')),
                ('file', models.FileField(blank=True, storage=core.storage.private_storage_callable, upload_to='reports/%Y/%m/', verbose_name='file')),
                ('filename', models.CharField(blank=True, max_length=120, verbose_name='file name')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='asked for at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_jobs', to=settings.AUTH_USER_MODEL, verbose_name='asked for by')),
            ],
            options={
                'verbose_name': 'report job',
                'verbose_name_plural': 'report jobs',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['user', 'created_at'], name='reports_rep_user_id_c3ed62_idx')],
            },
        ),
    ]
