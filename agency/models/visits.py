"""A visit (来访): one resident at the counter with several errands, one receipt at the end.

The visit is a record of money and references only: each errand keeps its own record in its own app
(a request in gov_services, a parcel or a sale in shop, a payment here) with its own idempotency and
ledger journal. gov_services and shop register their errands through agency's public services
(`visit_errand_add`) with a label, a reference and the amount the resident paid; agency knows
nothing more of them. A visit posts nothing to the ledger itself, so the daily close counts its cash
once, through the errands' own journals.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agency.models.till import CounterTransaction
from stations.models import Station


class Visit(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("visit", "Open")
        CLOSED = "closed", pgettext_lazy("visit", "Closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    fingerprint = models.CharField(max_length=64)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="visits", verbose_name=_("station"))
    resident_name = models.CharField(_("resident"), max_length=60, blank=True)
    resident_phone = models.CharField(_("phone"), max_length=11, blank=True)
    resident_id_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("operator"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cash_due_fen = models.BigIntegerField(_("cash due (fen)"), null=True, blank=True)
    cash_received_fen = models.BigIntegerField(_("cash received (fen)"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["station", "opened_at"])]
        constraints = [
            models.CheckConstraint(name="agency_visit_closed_is_counted",
                                   condition=models.Q(status="open") | models.Q(
                                       closed_at__isnull=False, cash_due_fen__isnull=False,
                                       cash_received_fen__gte=models.F("cash_due_fen"))),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def change_fen(self) -> int | None:
        if self.cash_received_fen is None or self.cash_due_fen is None:
            return None
        return self.cash_received_fen - self.cash_due_fen


class VisitErrand(models.Model):
    """One errand of a visit: what it was (kind, label), the owning app's reference, and the money."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application filed")
        SUPPLEMENT = "supplement", _("Supplement handed in")
        GOV_FEE = "gov_fee", _("Government fee")
        BILL = "bill", _("Bill payment or top-up")
        PARCEL = "parcel", _("Parcel handed over")
        SALE = "sale", _("Goods bought")
        CERTIFICATE = "certificate", _("Certificate handed over")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="errands", verbose_name=_("visit"))
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=60)
    label = models.CharField(_("errand"), max_length=120)
    amount_fen = models.BigIntegerField(_("amount (fen)"), default=0,
                                        help_text=_("What the resident paid for this errand (0 for none)"))
    payment_method = models.CharField(_("paid by"), max_length=8, choices=CounterTransaction.PaymentMethod.choices,
                                      default=CounterTransaction.PaymentMethod.NONE)
    counter_transaction = models.OneToOneField(CounterTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="visit_errand", verbose_name=_("till transaction"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("operator"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit errand")
        verbose_name_plural = _("visit errands")
        ordering = ["visit", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "kind", "reference"], name="agency_errand_once_per_visit"),
            models.CheckConstraint(name="agency_errand_amount_not_negative", condition=models.Q(amount_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.label}"
