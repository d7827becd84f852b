"""Payments of orders through any provider (cash at the counter, Stripe, …) and their refunds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import format_yuan


class Payment(models.Model):
    """One attempt to pay one order through one provider. Amounts in fen."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment", "Awaiting payment")
        PAID = "paid", pgettext_lazy("payment", "Paid")
        FAILED = "failed", pgettext_lazy("payment", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment", "Cancelled")
        # The whole amount went back: a checkout card attempt that was paid but never became an order
        # (refunds of an order's parts are Refund rows).
        REFUNDED = "refunded", pgettext_lazy("payment", "Refunded")

    # Empty while a card is paid inside the checkout: the order is placed only once the card went through.
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="shop_payments",
                              null=True, blank=True)
    # One card attempt per basket and amount ("basket-<id>-<provider>-<fen>"): reloading the checkout,
    # a double submit or a network retry finds this row instead of starting a second payment.
    attempt_key = models.CharField(max_length=80, blank=True)
    provider = models.CharField(_("payment method"), max_length=20)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    external_id = models.CharField(_("provider reference"), max_length=100, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_external_id = models.CharField(_("refund reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], condition=~models.Q(external_id=""),
                                    name="payment_external_id_once"),
            models.UniqueConstraint(fields=["attempt_key"], condition=~models.Q(attempt_key=""),
                                    name="payment_attempt_once"),
            models.CheckConstraint(name="payment_amount_positive", condition=models.Q(amount_fen__gt=0)),
            # A whole refund is only for an attempt that never became an order, and says when it went back.
            models.CheckConstraint(name="payment_refunded_without_order",
                                   condition=~models.Q(status="refunded")
                                   | models.Q(order__isnull=True, refunded_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.order_id} {format_yuan(self.amount_fen)}"


class PaymentEvent(models.Model):
    """A notification from a provider (a webhook). Unique per provider: a replay is recognised."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=60)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    received_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.kind}"


class Refund(models.Model):
    """Money going back for one order part; at most one per part."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    part = models.OneToOneField("shop.OrderPart", on_delete=models.PROTECT, related_name="refund")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    external_id = models.CharField(_("provider reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.part} {format_yuan(self.amount_fen)}"
