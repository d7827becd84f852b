"""How an order reaches the resident, and each merchant's part of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import mainland_mobile
from core.money import fen_from_decimal, format_yuan


class ShopperStation(models.Model):
    """The station a signed-in resident shops through, remembered between visits."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_station")
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shopper's station")
        verbose_name_plural = _("shoppers' stations")

    def __str__(self) -> str:
        return f"{self.user} · {self.station}"


class DeliveryFee(models.Model):
    """Home delivery within a township and what it costs; no row means no delivery there."""

    township = models.OneToOneField("stations.Region", on_delete=models.CASCADE, related_name="delivery_fee",
                                    limit_choices_to={"level": "township"}, verbose_name=_("township"))
    fee_fen = models.BigIntegerField(_("fee (fen)"))
    active = models.BooleanField(_("delivery offered"), default=True)

    class Meta:
        verbose_name = _("delivery fee")
        verbose_name_plural = _("delivery fees")
        constraints = [models.CheckConstraint(name="delivery_fee_not_negative", condition=models.Q(fee_fen__gte=0))]

    def __str__(self) -> str:
        return f"{self.township} {format_yuan(self.fee_fen)}"


class Fulfilment(models.Model):
    """One per order: pick-up at a station or home delivery, and the resident's phone for the SMS."""

    class Method(models.TextChoices):
        PICKUP = "pickup", _("Pick up at my station")
        DELIVERY = "delivery", _("Home delivery")

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="fulfilment")
    method = models.CharField(_("fulfilment"), max_length=10, choices=Method.choices)
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("station"))
    township = models.ForeignKey("stations.Region", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("delivery township"))
    address = models.CharField(_("delivery address"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=11, validators=[mainland_mobile])
    fee_fen = models.BigIntegerField(_("delivery fee (fen)"), default=0)
    payment_method = models.CharField(_("payment method"), max_length=20)

    class Meta:
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")

    def __str__(self) -> str:
        return f"{self.order_id} · {self.get_method_display()}"


class OrderPart(models.Model):
    """The lines of one order that one merchant fills: confirmed, shipped and settled on their own.

    The moves between statuses are in shop/order_flow.py.
    """

    class Status(models.TextChoices):
        PLACED = "placed", pgettext_lazy("order part", "Placed")
        CONFIRMED = "confirmed", pgettext_lazy("order part", "Confirmed by merchant")
        SENT = "sent", pgettext_lazy("order part", "Sent")
        READY = "ready", pgettext_lazy("order part", "Ready for pick-up")
        COLLECTED = "collected", pgettext_lazy("order part", "Collected")
        DELIVERED = "delivered", pgettext_lazy("order part", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("order part", "Cancelled")
        RETURNED = "returned", pgettext_lazy("order part", "Returned")
        REFUNDED = "refunded", pgettext_lazy("order part", "Refunded")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="parts")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="order_parts")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.Method.choices)
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLACED)
    goods_fen = models.BigIntegerField(_("goods (fen)"))
    delivery_fen = models.BigIntegerField(_("delivery fee (fen)"), default=0)
    commission_fen = models.BigIntegerField(_("station commission (fen)"), default=0)
    commission_reference = models.CharField(_("till reference of the commission"), max_length=40, blank=True)
    counter_sale_reference = models.CharField(_("till reference of the counter sale"), max_length=40, blank=True)
    pickup_code = models.CharField(_("pick-up code"), max_length=6, blank=True)
    pickup_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order part")
        verbose_name_plural = _("order parts")
        ordering = ["-created_at", "reference"]
        constraints = [models.UniqueConstraint(fields=["order", "partner"], name="one_part_per_merchant")]
        indexes = [models.Index(fields=["station", "status"]), models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_fen(self) -> int:
        return self.goods_fen + self.delivery_fen


class OrderPartEvent(models.Model):
    """Append-only history of an order part: every move, who made it and why."""

    part = models.ForeignKey(OrderPart, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    from_status = models.CharField(max_length=10, choices=OrderPart.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OrderPart.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("order part event")
        verbose_name_plural = _("order part events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.part} {self.from_status}→{self.to_status}"


class CounterSale(models.Model):
    """A sale rung up by the operator at the counter: display stock handed over at once, or an order
    placed for a walk-in resident to collect later. Cash goes into the station's till (agency)."""

    class Mode(models.TextChoices):
        HAND_OVER = "hand_over", _("Goods on display, handed over now")
        ORDER = "order", _("Order for the resident to collect later")

    class PaidBy(models.TextChoices):
        CASH = "cash", _("Cash")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    idempotency_key = models.UUIDField(unique=True, editable=False)
    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="counter_sale")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("kind of sale"), max_length=10, choices=Mode.choices)
    till_reference = models.CharField(_("till reference"), max_length=40, blank=True)
    cash_received_fen = models.BigIntegerField(_("cash received (fen)"), null=True, blank=True)
    # Cash, or the wallet (WeChat Pay / Alipay) whose confirmed QR payment the sale was placed on.
    payment_method = models.CharField(_("paid by"), max_length=10, choices=PaidBy.choices, default=PaidBy.CASH)
    wallet_order = models.CharField(_("wallet order number"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("counter sale")
        verbose_name_plural = _("counter sales")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.station} · {self.order_id}"

    @property
    def change_fen(self) -> int | None:
        """The change handed back, when the cash received was entered."""
        if self.cash_received_fen is None:
            return None
        return self.cash_received_fen - fen_from_decimal(self.order.total_incl_tax)
