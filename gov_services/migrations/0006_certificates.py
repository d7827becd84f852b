import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.storage

token_part = django.core.validators.RegexValidator("^[A-Za-z0-9-]{1,32}$", "Use 1 to 32 letters, digits or hyphens.")


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0005_supervision"),
        ("stations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CertificateType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(help_text="Printed in the QR code; letters, digits and hyphens.", max_length=32, unique=True, validators=[token_part], verbose_name="type code")),
                ("title", models.CharField(max_length=60, verbose_name="title on the certificate")),
                ("body_html", models.TextField(verbose_name="layout (HTML)")),
                ("css", models.TextField(blank=True, verbose_name="style (CSS)")),
                ("validity_days", models.PositiveIntegerField(blank=True, help_text="Empty: the certificate does not expire.", null=True, verbose_name="valid for (days)")),
                ("auto_issue", models.BooleanField(default=False, verbose_name="issue automatically on approval")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("item", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="certificate_type", to="gov_services.serviceitem", verbose_name="service item")),
                ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="updated by")),
            ],
            options={"verbose_name": "certificate type", "verbose_name_plural": "certificate types", "ordering": ["code"]},
        ),
        migrations.CreateModel(
            name="DepartmentSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("image", models.FileField(storage=core.storage.private_storage_callable, upload_to="seals/", verbose_name="seal image")),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField(auto_now=True, verbose_name="uploaded at")),
                ("department", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="seal", to="gov_services.department", verbose_name="department")),
                ("uploaded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="uploaded by")),
            ],
            options={"verbose_name": "department seal", "verbose_name_plural": "department seals"},
        ),
        migrations.CreateModel(
            name="SigningKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_id", models.CharField(max_length=32, unique=True, validators=[token_part], verbose_name="key id")),
                ("public_key", models.CharField(max_length=64, verbose_name="public key (base64url)")),
                ("private_key_pem", models.TextField(editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("retired_at", models.DateTimeField(blank=True, null=True, verbose_name="retired at")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="signing_keys", to="gov_services.department", verbose_name="department")),
            ],
            options={"verbose_name": "signing key", "verbose_name_plural": "signing keys", "ordering": ["department", "-created_at", "-pk"]},
        ),
        migrations.CreateModel(
            name="CountySigningCertificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("certificate_pem", models.TextField(verbose_name="signing certificate (PEM)")),
                ("chain_pem", models.TextField(blank=True, verbose_name="CA chain (PEM)")),
                ("private_key_pem", models.TextField(editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("retired_at", models.DateTimeField(blank=True, null=True, verbose_name="retired at")),
                ("county", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="stations.region", verbose_name="county")),
            ],
            options={"verbose_name": "county signing certificate", "verbose_name_plural": "county signing certificates"},
        ),
        migrations.CreateModel(
            name="CertificateSerialCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("last_number", models.PositiveIntegerField(default=0)),
                ("county", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="stations.region")),
            ],
        ),
        migrations.CreateModel(
            name="Certificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("serial", models.CharField(max_length=32, unique=True, verbose_name="serial number")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                ("holder_name", models.CharField(max_length=60, verbose_name="holder")),
                ("holder_id_masked", models.CharField(max_length=18, verbose_name="holder's ID (masked)")),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("issued_on", models.DateField(verbose_name="issue date")),
                ("expires_on", models.DateField(blank=True, null=True, verbose_name="valid until")),
                ("token", models.TextField(verbose_name="QR token")),
                ("fields", models.JSONField(default=dict, verbose_name="printed values")),
                ("layout", models.JSONField(default=dict, verbose_name="layout at issue")),
                ("pdf", models.FileField(blank=True, storage=core.storage.private_storage_callable, upload_to="certificates/%Y/", verbose_name="PDF")),
                ("pdf_sha256", models.CharField(blank=True, max_length=64)),
                ("pdf_status", models.CharField(choices=[("pending", "Being prepared"), ("ready", "Ready"), ("failed", "Failed")], default="pending", max_length=10, verbose_name="PDF")),
                ("pdf_signed", models.BooleanField(default=False, verbose_name="PDF signed (PAdES)")),
                ("status", models.CharField(choices=[("valid", "Valid"), ("revoked", "Revoked")], default="valid", max_length=10, verbose_name="status")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                ("revocation_reason", models.TextField(blank=True, verbose_name="reason for revocation")),
                ("delivery", models.CharField(blank=True, choices=[("station", "Print at the station"), ("office", "Collect at the office"), ("mail", "Mail")], max_length=10, verbose_name="delivery")),
                ("mail_address", models.CharField(blank=True, max_length=200, verbose_name="mailing address")),
                ("mail_tracking_number", models.CharField(blank=True, max_length=40, verbose_name="tracking number")),
                ("mailed_at", models.DateTimeField(blank=True, null=True, verbose_name="mailed at")),
                ("certificate_type", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to="gov_services.certificatetype", verbose_name="certificate type")),
                ("county", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="stations.region", verbose_name="county")),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to="gov_services.department", verbose_name="issuing department")),
                ("holder_user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to=settings.AUTH_USER_MODEL, verbose_name="holder's account")),
                ("issued_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="issued by")),
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to="gov_services.servicerequest", verbose_name="service request")),
                ("revoked_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="revoked by")),
                ("signing_key", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to="gov_services.signingkey", verbose_name="signing key")),
            ],
            options={"verbose_name": "certificate", "verbose_name_plural": "certificates", "ordering": ["-issued_at", "-pk"]},
        ),
        migrations.CreateModel(
            name="CertificatePrint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("idempotency_key", models.UUIDField(unique=True, verbose_name="idempotency key")),
                ("printed_at", models.DateTimeField(auto_now_add=True, verbose_name="printed at")),
                ("is_reprint", models.BooleanField(default=False, verbose_name="reprint")),
                ("collector_name", models.CharField(max_length=60, verbose_name="handed to")),
                ("collector_id_masked", models.CharField(max_length=18, verbose_name="collector's ID (masked)")),
                ("collector_is_holder", models.BooleanField(default=True, verbose_name="collected by the holder")),
                ("id_checked", models.BooleanField(default=False, verbose_name="collector's ID checked")),
                ("certificate", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="prints", to="gov_services.certificate")),
                ("printed_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="printed by")),
                ("station", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="stations.station", verbose_name="station")),
            ],
            options={"verbose_name": "certificate print", "verbose_name_plural": "certificate prints", "ordering": ["printed_at", "pk"]},
        ),
        migrations.AddConstraint(
            model_name="signingkey",
            constraint=models.UniqueConstraint(condition=models.Q(("retired_at__isnull", True)), fields=("department",), name="one_active_signing_key_per_department"),
        ),
        migrations.AddConstraint(
            model_name="countysigningcertificate",
            constraint=models.UniqueConstraint(condition=models.Q(("retired_at__isnull", True)), fields=("county",), name="one_active_pdf_signer_per_county"),
        ),
        migrations.AddConstraint(
            model_name="certificateserialcounter",
            constraint=models.UniqueConstraint(fields=("county", "year"), name="one_serial_counter_per_county_year"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(fields=("county", "year", "number"), name="certificate_serial_once_per_county_year"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(condition=models.Q(("status", "valid")), fields=("request",), name="one_valid_certificate_per_request"),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["department", "issued_at"], name="gov_service_departm_9cee69_idx"),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["holder_user", "issued_at"], name="gov_service_holder__b574d8_idx"),
        ),
        migrations.AddConstraint(
            model_name="certificateprint",
            constraint=models.CheckConstraint(condition=models.Q(("id_checked", True)), name="certificate_print_id_checked"),
        ),
    ]
