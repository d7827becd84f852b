"""Member merchants (会员商家): the application a business files and the membership it gets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import mainland_mobile
from core.storage import private_storage_callable


class MerchantCategory(models.TextChoices):
    """What a merchant sells, as the county groups member merchants."""

    AGRI_INPUTS = "agri_inputs", _("Agricultural inputs")
    PRODUCE = "produce", _("Farm produce")
    GROCERIES = "groceries", _("Groceries and daily goods")
    APPLIANCES = "appliances", _("Household appliances")
    PHONES = "phones", _("Phones and electronics")
    CLOTHING = "clothing", _("Clothing and shoes")
    BUILDING = "building", _("Building and hardware")
    HEALTH = "health", _("Health and elderly care goods")
    OTHER = "other", _("Other goods")


class MerchantApplication(models.Model):
    """A business asking to become a member merchant; county staff approve or reject it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("merchant application", "Awaiting vetting")
        APPROVED = "approved", pgettext_lazy("merchant application", "Approved")
        REJECTED = "rejected", pgettext_lazy("merchant application", "Rejected")

    idempotency_key = models.UUIDField(unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    business_name = models.CharField(_("business name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    licence = models.FileField(_("business licence scan"), upload_to="merchant-licences/%Y/%m/",
                               storage=private_storage_callable)
    licence_content_type = models.CharField(max_length=40)
    licence_sha256 = models.CharField(max_length=64)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact mobile"), max_length=11, validators=[mainland_mobile])
    address = models.CharField(_("business address"), max_length=200)
    categories = models.JSONField(_("product categories"), default=list)
    townships = models.ManyToManyField("stations.Region", related_name="+", verbose_name=_("townships served"))
    note = models.TextField(_("note from the applicant"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    merchant = models.OneToOneField("shop.Merchant", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="application", verbose_name=_("merchant"))

    class Meta:
        verbose_name = _("merchant application")
        verbose_name_plural = _("merchant applications")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.business_name}"

    def category_labels(self) -> list[str]:
        return [str(MerchantCategory(c).label) for c in self.categories if c in MerchantCategory.values]


class Merchant(models.Model):
    """A vetted member merchant: its Oscar partner, its membership and its standing."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("merchant", "Active")
        SUSPENDED = "suspended", pgettext_lazy("merchant", "Suspended")

    partner = models.OneToOneField("partner.Partner", on_delete=models.PROTECT, related_name="merchant")
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact mobile"), max_length=11, validators=[mainland_mobile])
    address = models.CharField(_("business address"), max_length=200)
    categories = models.JSONField(_("product categories"), default=list)
    townships = models.ManyToManyField("stations.Region", related_name="merchants",
                                       verbose_name=_("townships served"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    admitted_on = models.DateField(_("admitted on"))
    revet_on = models.DateField(_("re-vetting due on"))

    class Meta:
        verbose_name = _("member merchant")
        verbose_name_plural = _("member merchants")
        ordering = ["partner__name"]

    def __str__(self) -> str:
        return self.partner.name

    @property
    def name(self) -> str:
        return self.partner.name

    def category_labels(self) -> list[str]:
        return [str(MerchantCategory(c).label) for c in self.categories if c in MerchantCategory.values]


class MerchantStatement(models.Model):
    """What the store owes a merchant for one month: sales handed over, less refunds and the
    stations' commission. Generated after the month ends, approved by a second person, then paid (the
    payout is posted to agency's ledger; its journal is kept here)."""

    class Status(models.TextChoices):
        GENERATED = "generated", pgettext_lazy("statement", "Generated")
        APPROVED = "approved", pgettext_lazy("statement", "Approved")
        PAID = "paid", pgettext_lazy("statement", "Paid")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GENERATED)
    parts_count = models.PositiveIntegerField(_("order parts"), default=0)
    sales_fen = models.BigIntegerField(_("sales (fen)"), default=0)
    refunds_fen = models.BigIntegerField(_("refunds (fen)"), default=0)
    commission_fen = models.BigIntegerField(_("commission withheld (fen)"), default=0)
    net_fen = models.BigIntegerField(_("net payable (fen)"), default=0)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(_("bank payment reference"), max_length=60, blank=True)
    payout_journal = models.OneToOneField("agency.Journal", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")

    class Meta:
        verbose_name = _("merchant statement")
        verbose_name_plural = _("merchant statements")
        ordering = ["-month", "merchant__partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "month"], name="merchant_statement_once_a_month"),
            models.CheckConstraint(name="merchant_statement_four_eyes",
                                   condition=models.Q(approved_by__isnull=True) | models.Q(generated_by__isnull=True)
                                   | ~models.Q(approved_by=models.F("generated_by"))),
            models.CheckConstraint(name="merchant_statement_adds_up",
                                   condition=models.Q(net_fen=models.F("sales_fen") - models.F("refunds_fen")
                                                      - models.F("commission_fen"))),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.month:%Y-%m}"
