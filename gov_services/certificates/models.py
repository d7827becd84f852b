"""Certificates (电子证照): types and layouts per catalogue item, department seals and signing keys,
issued certificates with their serial, signed QR token and PDF, the print log, and the county's
PDF signing certificate (PAdES).

Writes go through gov_services/certificates/services/ only; every state change is audited.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage_callable
from gov_services.catalogue.models import Department, ServiceItem
from gov_services.requests.models.requests import ServiceRequest
from stations.models import Region, Station

__all__ = [
    "Certificate",
    "CertificatePrint",
    "CertificateSerialCounter",
    "CertificateType",
    "CountySigningCertificate",
    "DepartmentSeal",
    "OfficialSeal",
    "SigningKey",
]

token_part = RegexValidator(r"^[A-Za-z0-9-]{1,32}$", _("Use 1 to 32 letters, digits or hyphens."))


class CertificateType(models.Model):
    """The certificate a catalogue item ends in, with its printed layout.

    `body_html` is HTML with placeholders ({{ holder_name }}, {{ form.purpose }} …, see
    gov_services/certificates/layout.py); the seal and the QR code are placed by the system.
    """

    item = models.OneToOneField(ServiceItem, on_delete=models.PROTECT, related_name="certificate_type",
                                verbose_name=_("service item"))
    code = models.CharField(_("type code"), max_length=32, unique=True, validators=[token_part],
                            help_text=_("Printed in the QR code; letters, digits and hyphens."))
    title = models.CharField(_("title on the certificate"), max_length=60)
    body_html = models.TextField(_("layout (HTML)"))
    css = models.TextField(_("style (CSS)"), blank=True)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True,
                                                help_text=_("Empty: the certificate does not expire."))
    auto_issue = models.BooleanField(_("issue automatically on approval"), default=False)
    personal_seal_required = models.BooleanField(
        _("signed with the official's own key and seal"), default=False,
        help_text=_("The official who issues (or approved) it must have their own signing key and seal."))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class DepartmentSeal(models.Model):
    """The department's electronic seal (an image, PNG with transparency), uploaded by county staff
    and applied by the system to every certificate the department issues. Never shown for download."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="seal",
                                      verbose_name=_("department"))
    image = models.FileField(_("seal image"), upload_to="seals/", storage=private_storage_callable)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("department seal")
        verbose_name_plural = _("department seals")

    def __str__(self) -> str:
        return str(self.department)


class OfficialSeal(models.Model):
    """An official's personal seal (名章) in a department, applied beside the department's seal to the
    certificates they sign where the item requires a personal seal. Managed by the department head or
    the county's administrators; never shown for download to anyone else."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="official_seals",
                                   verbose_name=_("department"))
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official_seals",
                                 verbose_name=_("official"))
    image = models.FileField(_("seal image"), upload_to="seals/officials/", storage=private_storage_callable)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("official's seal")
        verbose_name_plural = _("officials' seals")
        constraints = [models.UniqueConstraint(fields=["department", "official"], name="one_seal_per_official")]

    def __str__(self) -> str:
        return f"{self.official} · {self.department}"


class SigningKey(models.Model):
    """An Ed25519 or SM2 key for QR tokens (the county's choice, settings.CERTIFICATE_TOKEN_ALGORITHM): the department's, or one official's in the department (`official`).
    The private half is stored encrypted (PKCS#8, the passphrase from settings) and never leaves the
    server; retired keys stay published so that certificates signed with them still verify. A revoked
    key (lost, the official left) signs nothing more, and a token dated after its revocation is refused."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="signing_keys",
                                   verbose_name=_("department"))
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="signing_keys", verbose_name=_("official"))
    key_id = models.CharField(_("key id"), max_length=32, unique=True, validators=[token_part])
    class Algorithm(models.TextChoices):
        ED25519 = "Ed25519", "Ed25519"
        SM2 = "SM2", _("SM2 (national standard GB/T 32918)")

    algorithm = models.CharField(_("algorithm"), max_length=10, choices=Algorithm.choices, default=Algorithm.ED25519)
    # Ed25519: 32 bytes (43 characters); SM2: 65 bytes, 04 ‖ x ‖ y (87 characters).
    public_key = models.CharField(_("public key (base64url)"), max_length=100)
    private_key_pem = models.TextField(editable=False)
    imported = models.BooleanField(_("imported"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revocation_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    # An official's key certified by the county's demo CA: their PDF signatures name them, and revoking
    # the key puts this certificate on that CA's CRL. Empty for department keys, or when the county's CA
    # is elsewhere.
    certificate_pem = models.TextField(_("X.509 certificate (PEM)"), blank=True, editable=False)
    certificate_issuer = models.ForeignKey("CountySigningCertificate", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="certified_keys", editable=False)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["department", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department"],
                                    condition=models.Q(retired_at__isnull=True, official__isnull=True),
                                    name="one_active_signing_key_per_department"),
            models.UniqueConstraint(fields=["department", "official"],
                                    condition=models.Q(retired_at__isnull=True, official__isnull=False),
                                    name="one_active_signing_key_per_official"),
        ]

    def __str__(self) -> str:
        return self.key_id


class CountySigningCertificate(models.Model):
    """The county's X.509 certificate that signs every certificate PDF (PAdES), with its CA chain.
    `seed_demo` makes a demo CA; a real county loads its own (manage.py certificate_signer_init)."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    certificate_pem = models.TextField(_("signing certificate (PEM)"))
    chain_pem = models.TextField(_("CA chain (PEM)"), blank=True)
    private_key_pem = models.TextField(editable=False)
    # The demo CA's own key (encrypted): certifies officials' keys and signs the CRL at /verify/ca/<pk>.crl.
    # Empty for a county whose certificate comes from a real CA (that CA publishes its revocations).
    ca_private_key_pem = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("county signing certificate")
        verbose_name_plural = _("county signing certificates")
        constraints = [models.UniqueConstraint(fields=["county"], condition=models.Q(retired_at__isnull=True),
                                               name="one_active_pdf_signer_per_county")]

    def __str__(self) -> str:
        return f"{self.county} {self.created_at:%Y-%m-%d}"


class CertificateSerialCounter(models.Model):
    """The last serial number used per county and year; its row is locked while a number is taken."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_serial_counter_per_county_year")]

    def __str__(self) -> str:
        return f"{self.county_id}/{self.year}: {self.last_number}"


class Certificate(models.Model):
    """One issued certificate. Its content is frozen at issue (`fields`, `layout`); the PDF is
    rendered after commit by a Celery task and kept in private storage."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    class PdfStatus(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Delivery(models.TextChoices):
        STATION = "station", _("Print at the station")
        OFFICE = "office", _("Collect at the office")
        MAIL = "mail", _("Mail")

    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    certificate_type = models.ForeignKey(CertificateType, on_delete=models.PROTECT, related_name="certificates",
                                         verbose_name=_("certificate type"))
    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="certificates",
                                verbose_name=_("service request"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="certificates",
                                   verbose_name=_("issuing department"))
    holder_name = models.CharField(_("holder"), max_length=60)
    holder_id_masked = models.CharField(_("holder's ID (masked)"), max_length=18)
    holder_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="certificates", verbose_name=_("holder's account"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="certificates",
                                    verbose_name=_("signing key"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("signed by"),
                                  help_text=_("The official whose own key signed it; empty: the department's key."))
    token = models.TextField(_("QR token"))
    fields = models.JSONField(_("printed values"), default=dict)
    layout = models.JSONField(_("layout at issue"), default=dict)

    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", storage=private_storage_callable, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_status = models.CharField(_("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    pdf_signed = models.BooleanField(_("PDF signed (PAdES)"), default=False)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, blank=True)
    mail_address = models.CharField(_("mailing address"), max_length=200, blank=True)
    mail_tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "number"], name="certificate_serial_once_per_county_year"),
            models.UniqueConstraint(fields=["request"], condition=models.Q(status="valid"),
                                    name="one_valid_certificate_per_request"),
        ]
        indexes = [models.Index(fields=["department", "issued_at"]),
                   models.Index(fields=["holder_user", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.serial} {self.certificate_type}"


class CertificatePrint(models.Model):
    """One print (or reprint) handed to someone: who printed it, where, and who took it, whose ID
    was checked. Append-only: the print log."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="prints")
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("printed by"))
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("station"))
    is_reprint = models.BooleanField(_("reprint"), default=False)
    collector_name = models.CharField(_("handed to"), max_length=60)
    collector_id_masked = models.CharField(_("collector's ID (masked)"), max_length=18)
    collector_is_holder = models.BooleanField(_("collected by the holder"), default=True)
    id_checked = models.BooleanField(_("collector's ID checked"), default=False)

    class Meta:
        verbose_name = _("certificate print")
        verbose_name_plural = _("certificate prints")
        ordering = ["printed_at", "pk"]
        constraints = [models.CheckConstraint(name="certificate_print_id_checked", condition=models.Q(id_checked=True))]

    def __str__(self) -> str:
        return f"{self.certificate_id} → {self.collector_name}"
