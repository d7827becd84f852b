from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_auditevent_append_only_on_postgresql"),
    ]

    operations = [
        migrations.CreateModel(
            name="SmsOutboxMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phone", models.CharField(max_length=20, verbose_name="mobile number")),
                ("text", models.TextField(verbose_name="text")),
                ("purpose", models.CharField(max_length=40, verbose_name="purpose")),
                ("reference", models.CharField(blank=True, max_length=64, verbose_name="reference")),
                ("status", models.CharField(
                    choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
                    default="queued", max_length=10, verbose_name="status")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                ("gateway_id", models.CharField(blank=True, max_length=100, verbose_name="gateway message id")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="queued at")),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="last attempt at")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
            ],
            options={
                "verbose_name": "text message",
                "verbose_name_plural": "text messages",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "created_at"], name="core_sms_status_created"),
                    models.Index(fields=["purpose", "created_at"], name="core_sms_purpose_created"),
                    models.Index(fields=["reference"], name="core_sms_reference"),
                ],
            },
        ),
    ]
