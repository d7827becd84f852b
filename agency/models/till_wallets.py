"""A resident paying the till with WeChat Pay or Alipay (agency/services/till_wallets.py).

The wallet payment comes first: an order at the wallet (its QR on the counter screen) under one
out_trade_no, created once per idempotency key. Only when the wallet confirms it paid (a query, or its
signed notification checked by a query) does the till record what it was for — a bill payment or top-up,
a government fee, a store sale — as a CounterTransaction paid by that wallet, under the same key, posted
to the station's wallet clearing account (never the cash drawer). What the till does once paid is kept
in `order` (the product and account, or the payee and the calling app's reference).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agency.models.till import CounterTransaction
from stations.models import Station


class TillWalletPayment(models.Model):
    class Wallet(models.TextChoices):
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Waiting for the resident to pay")
        PAID = "paid", _("Paid")
        CLOSED = "closed", _("Closed, nothing paid")
        UNKNOWN = "unknown", _("No answer from the wallet")
        REFUND_PENDING = "refund_pending", _("Refund not confirmed yet")
        REFUNDED = "refunded", _("Refunded")

    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    fingerprint = models.CharField(max_length=64)
    out_trade_no = models.CharField(_("wallet order number"), max_length=32, unique=True)
    wallet = models.CharField(_("wallet"), max_length=6, choices=Wallet.choices)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="wallet_payments",
                                verbose_name=_("station"))
    purpose = models.CharField(_("paid for"), max_length=16, choices=CounterTransaction.Kind.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    description = models.CharField(_("description"), max_length=120)
    order = models.JSONField(default=dict)
    done_url = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.AWAITING)
    code_url = models.CharField(max_length=300, blank=True)
    transaction_id = models.CharField(_("wallet transaction"), max_length=64, blank=True)
    message = models.CharField(_("message"), max_length=200, blank=True)
    counter_transaction = models.OneToOneField(CounterTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="wallet_payment", verbose_name=_("till transaction"))
    refund_id = models.CharField(_("wallet refund"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("operator"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("till wallet payment")
        verbose_name_plural = _("till wallet payments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="agency_till_wallet_open",
                                condition=models.Q(status__in=["awaiting", "unknown", "refund_pending"])),
                   models.Index(fields=["wallet", "paid_at"], name="agency_till_wallet_paid")]
        constraints = [
            models.CheckConstraint(name="agency_till_wallet_amount_positive", condition=models.Q(amount_fen__gt=0)),
            models.CheckConstraint(name="agency_till_wallet_paid_has_time",
                                   condition=~models.Q(status__in=["paid", "refund_pending", "refunded"])
                                   | models.Q(paid_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.out_trade_no

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.AWAITING, self.Status.UNKNOWN)
