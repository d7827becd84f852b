"""Monthly statements of what the county owes a contracted payee (a care responder, …) for the subsidised
services it rendered: read off the payee's ledger account, maker-checker, then paid. The apps above
hand agency the payee's code and name, the amounts and their references; agency knows nothing of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agency.models.ledger import Journal
from agency.models.till import CommissionStatement
from stations.models import Region


class PayeeStatement(models.Model):
    Status = CommissionStatement.Status  # generated → approved → paid (agency/states.py STATEMENT)

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by region"))
    payee_code = models.CharField(_("payee"), max_length=40)
    payee_name = models.CharField(_("payee name"), max_length=120)
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GENERATED)
    service_count = models.PositiveIntegerField(_("services"), default=0)
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    generated_at = models.DateTimeField(_("generated at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    payout_journal = models.OneToOneField(Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("payee statement")
        verbose_name_plural = _("payee statements")
        ordering = ["-month", "payee_name"]
        constraints = [
            models.UniqueConstraint(fields=["payee_code", "month"], name="agency_one_payee_statement_per_month"),
            models.CheckConstraint(name="agency_payee_statement_maker_checker",
                                   condition=models.Q(approved_by__isnull=True)
                                   | ~models.Q(approved_by=models.F("generated_by"))),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name} {self.month:%Y-%m}"
