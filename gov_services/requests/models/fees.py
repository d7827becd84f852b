"""The government fee of an application filed at the counter (the item's fee_fen when it was filed).

The money itself is agency's: a CounterTransaction of kind gov_fee, posted to the department's own
account (agency.services.government_fee_take with the department's code as payee). This row says
what the request owed, whether the resident was exempt and why, which till transaction paid it, and
when it was refunded (a request not accepted gives its fee back, once).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gov_services.requests.models.requests import ServiceRequest


class RequestFee(models.Model):
    class Exemption(models.TextChoices):
        NONE = "", _("Not exempt")
        LOW_INCOME = "low_income", _("Low-income household (低保)")

    request = models.OneToOneField(ServiceRequest, on_delete=models.PROTECT, related_name="fee",
                                   verbose_name=_("request"))
    amount_fen = models.BigIntegerField(_("fee (fen)"))
    exemption = models.CharField(_("exemption"), max_length=12, choices=Exemption.choices, blank=True, default="")
    exemption_reason = models.CharField(_("why exempt"), max_length=200, blank=True)
    counter_transaction = models.OneToOneField("agency.CounterTransaction", on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="+", verbose_name=_("till transaction"))
    charged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("operator"))
    charged_at = models.DateTimeField(_("charged at"), auto_now_add=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request fee")
        verbose_name_plural = _("request fees")
        constraints = [
            models.CheckConstraint(name="gov_fee_paid_or_exempt",
                                   condition=models.Q(counter_transaction__isnull=False) | ~models.Q(exemption="")),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.amount_fen}"

    @property
    def is_exempt(self) -> bool:
        return bool(self.exemption)
