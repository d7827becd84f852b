"""What the resident reads about their own order on the thank-you page and under "my orders": how it
reaches them, how and when they pay, each merchant's part and — once a parcel is at the station — its
pick-up code. The order itself is already the resident's (Oscar's views look it up by its owner, or the
checkout session that placed it); nothing here widens who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shop.models import Fulfilment, OrderPart, Payment
from shop.payments import get_provider

Status = OrderPart.Status


class PayState:
    CASH_AT_PICKUP = "cash_at_pickup"  # cash at the station's counter, when collecting
    CASH_ON_DELIVERY = "cash_on_delivery"  # cash to the merchant who delivers
    CASH_PAID = "cash_paid"  # every part handed over and its cash taken
    CARD_PAID = "card_paid"
    CARD_CONFIRMING = "card_confirming"  # paid inside the checkout; the provider's signed notice is on its way
    CARD_DUE = "card_due"  # a card order not paid yet: the "pay now" button
    WALLET_PAID = "wallet_paid"  # WeChat Pay or Alipay, confirmed by the wallet
    WALLET_CONFIRMING = "wallet_confirming"
    WALLET_DUE = "wallet_due"


@dataclass(frozen=True)
class PartView:
    part: OrderPart
    code: str  # the pick-up code, only while the parcel waits at the station for this resident

    @property
    def waiting_at_station(self) -> bool:
        return self.part.status == Status.READY and self.part.method == Fulfilment.Method.PICKUP


@dataclass(frozen=True)
class OrderSituation:
    fulfilment: Fulfilment | None
    pay_state: str
    total: Decimal
    delivery_fee: Decimal
    parts: list[PartView]
    email: str  # where Oscar sent a confirmation e-mail, or "" (phone-only accounts get none)
    wallet_label: str = ""  # "WeChat Pay" / "Alipay" for an order paid with a wallet

    @property
    def is_delivery(self) -> bool:
        return self.fulfilment is not None and self.fulfilment.method == Fulfilment.Method.DELIVERY

    @property
    def codes_waiting(self) -> list[PartView]:
        return [p for p in self.parts if p.waiting_at_station]


def _pay_state(order, fulfilment: Fulfilment | None, payments: list[Payment], parts: list[OrderPart]) -> str:
    method = fulfilment.payment_method if fulfilment else "cash"
    try:
        provider = get_provider(method, available_only=False)
        settles_on_handover, wallet = provider.settles_on_handover, getattr(provider, "is_wallet", False)
    except LookupError:
        settles_on_handover, wallet = True, False
    if settles_on_handover:
        live = [p for p in parts if p.status not in (Status.CANCELLED,)]
        if live and all(p.status in (Status.COLLECTED, Status.DELIVERED, Status.RETURNED, Status.REFUNDED)
                        for p in live):
            return PayState.CASH_PAID
        delivery = fulfilment is not None and fulfilment.method == Fulfilment.Method.DELIVERY
        return PayState.CASH_ON_DELIVERY if delivery else PayState.CASH_AT_PICKUP
    if any(p.status == Payment.Status.PAID for p in payments):
        return PayState.WALLET_PAID if wallet else PayState.CARD_PAID
    if any(p.status == Payment.Status.PENDING and p.attempt_key for p in payments):
        return PayState.WALLET_CONFIRMING if wallet else PayState.CARD_CONFIRMING
    return PayState.WALLET_DUE if wallet else PayState.CARD_DUE


def resident_order_situation(*, order) -> OrderSituation:
    """Reads what `order` has prefetched (resident_order_prefetch), else a few queries."""
    try:
        fulfilment = order.fulfilment
    except Fulfilment.DoesNotExist:
        fulfilment = None
    parts = sorted(order.parts.all(), key=lambda p: p.reference)
    payments = [p for p in order.shop_payments.all() if p.provider != "cash"]
    return OrderSituation(
        fulfilment=fulfilment,
        pay_state=_pay_state(order, fulfilment, payments, parts),
        total=order.total_incl_tax,
        delivery_fee=order.shipping_incl_tax,
        parts=[PartView(part=p, code=p.pickup_code if p.status == Status.READY and p.method == "pickup" else "")
               for p in parts],
        email=order.email or "",
        wallet_label=_wallet_label(fulfilment),
    )


def _wallet_label(fulfilment: Fulfilment | None) -> str:
    try:
        provider = get_provider(fulfilment.payment_method, available_only=False) if fulfilment else None
    except LookupError:
        return ""
    return str(provider.label) if getattr(provider, "is_wallet", False) else ""


RESIDENT_ORDER_PREFETCH = ("parts__partner", "parts__station", "shop_payments", "lines")


def resident_order_prefetch(orders):
    """`orders` (the resident's own) with what resident_order_situation reads, in a fixed number of queries."""
    return orders.select_related("fulfilment__station", "fulfilment__township", "user").prefetch_related(
        *RESIDENT_ORDER_PREFETCH)
