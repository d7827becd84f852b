"""A counter sale paid by WeChat Pay or Alipay: the wallet first, the order only once it has confirmed.

1. start (counter_sale_wallet_start): the goods, quantities and prices as the operator rang them up are
   checked (stock, price) and handed to the till's wallet payment (agency till_wallet_start, purpose
   cash_sale) under the sale form's idempotency key: its QR goes on the counter screen. No order exists
   yet; a resend or a double click returns the same QR.
2. record (counter_sale_wallet_record, registered with the till as the recorder "shop.counter_sale"): called
   by the till once the wallet confirms (the page's check, the wallet's notification or the sweep). In one
   transaction, under a lock on the wallet payment: the stock is checked again under a lock on its records,
   each price and the total must be what the resident paid, then the Oscar order is placed, handed over and
   the till records the sale paid by the wallet (its clearing account; the cash drawer does not move).
   Anything changed meanwhile raises ValidationError: nothing is placed and the till gives the money back
   to the wallet (agency wallet_refund), saying why on the QR page.
A QR that expires or is closed leaves no order. A second call (a replayed notification, the page and the
notification at the same moment) finds the first sale: one order, one till transaction.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import CounterTransaction, TillWalletPayment
from agency.services.till_wallets import till_wallet_start
from core.audit import audit_event_record
from core.idempotency import create_once
from core.money import fen_from_decimal, format_yuan
from core.row_locks import locked_row
from shop.models import CounterSale
from shop.services.counter import (
    MAX_QUANTITY,
    Product,
    Selector,
    operator_station,
    sale_basket,
    sale_hand_over,
    sale_place,
)
from shop.services.orders import order_parts_create

RECORDER = "shop.counter_sale"


def _priced(items: list[tuple[int, int]]) -> list[list]:
    """[[product id, quantity, unit price in fen], …] as the store sells them now; refused when a product is
    unknown, unpriced or short of stock."""
    if not items:
        raise ValidationError(_("Add at least one item."))
    strategy = Selector().strategy()
    products = Product.objects.in_bulk([product_id for product_id, _qty in items])
    priced = []
    for product_id, quantity in items:
        product = products.get(product_id)
        if product is None or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationError(_("Choose a product and a quantity from 1 to %(max)d.") % {"max": MAX_QUANTITY})
        info = strategy.fetch_for_product(product)
        allowed, reason = info.availability.is_purchase_permitted(quantity)
        if not allowed or not info.price.exists:
            raise ValidationError(_("%(title)s: %(reason)s") % {"title": product.title,
                                                                "reason": reason or _("not for sale")})
        priced.append([product.pk, quantity, fen_from_decimal(info.price.incl_tax)])
    return priced


def counter_sale_wallet_start(*, user: User, idempotency_key: uuid.UUID, wallet: str, items: list[tuple[int, int]],
                              customer_name: str = "", done_url: str = "") -> TillWalletPayment:
    """Open the wallet payment of a sale of goods on display (its QR for the counter screen). The same key
    returns the first payment; `done_url`: where the counter goes once the sale is placed."""
    station = operator_station(user)
    priced = _priced(items)
    total_fen = sum(quantity * unit_fen for _pk, quantity, unit_fen in priced)
    resent = TillWalletPayment.objects.filter(idempotency_key=idempotency_key).exists()
    payment = till_wallet_start(
        actor=user, station=station, wallet=wallet, purpose=CounterTransaction.Kind.CASH_SALE, amount_fen=total_fen,
        idempotency_key=idempotency_key, description=_("Counter sale"), done_url=done_url,
        order={"recorder": RECORDER, "items": priced, "customer_name": customer_name.strip()[:60],
               "external_reference": str(idempotency_key), "description": _("Counter sale")})
    if not resent:
        audit_event_record(actor=user, action="counter_sale.wallet_started", target=payment,
                           data={"wallet": wallet, "amount_fen": total_fen, "out_trade_no": payment.out_trade_no,
                                 "items": priced})
    return payment


def counter_sale_of_payment(payment: TillWalletPayment) -> CounterSale | None:
    """The sale placed on a wallet payment, if any (the QR page's "done" step)."""
    return CounterSale.objects.filter(idempotency_key=payment.idempotency_key).select_related("order").first()


def _same_prices(basket, priced: list[list], amount_fen: int) -> None:
    paid_at = {pk: unit_fen for pk, _qty, unit_fen in priced}
    for line in basket.all_lines():
        now = fen_from_decimal(line.unit_price_incl_tax)
        if now != paid_at.get(line.product_id):
            raise ValidationError(_("The price of %(title)s changed from %(then)s to %(now)s.") % {
                "title": line.product.title, "then": format_yuan(paid_at.get(line.product_id) or 0),
                "now": format_yuan(now)}, code="price_changed")
    total = fen_from_decimal(basket.total_incl_tax)
    if total != amount_fen:
        raise ValidationError(_("The total is now %(now)s, not the %(paid)s paid.") % {
            "now": format_yuan(total), "paid": format_yuan(amount_fen)}, code="price_changed")


def counter_sale_wallet_record(*, payment: TillWalletPayment, operator: User) -> CounterTransaction:
    """The till's recorder for a sale the wallet has confirmed (see the module docstring)."""
    order_data = payment.order
    try:
        with transaction.atomic():
            # The page's check and the wallet's notification may arrive together: the second waits here and
            # then finds the first's sale instead of checking stock the first has just taken.
            locked_row(TillWalletPayment.objects.filter(pk=payment.pk))
            sale = counter_sale_of_payment(payment)
            if sale is not None:
                return CounterTransaction.objects.get(reference=sale.till_reference)

            def build() -> CounterSale:
                basket = sale_basket([(pk, quantity) for pk, quantity, _unit in order_data["items"]])
                _same_prices(basket, order_data["items"], payment.amount_fen)
                customer_name = order_data.get("customer_name", "")
                order = sale_place(basket, payment.station, customer_name)
                order_parts_create(order=order, method="pickup", station=payment.station,
                                   recipient=customer_name or _("Walk-in customer"), phone="",
                                   payment_method=payment.wallet)
                return CounterSale(order=order, station=payment.station, operator=operator,
                                   mode=CounterSale.Mode.HAND_OVER, payment_method=payment.wallet,
                                   wallet_order=payment.out_trade_no)

            sale, created = create_once(CounterSale, key={"idempotency_key": payment.idempotency_key}, build=build)
            if not created:
                return CounterTransaction.objects.get(reference=sale.till_reference)
            tx = sale_hand_over(sale, operator)
            audit_event_record(actor=operator, action="counter_sale.created", target=sale,
                               data={"order": str(sale.order.number), "mode": sale.mode, "till": sale.till_reference,
                                     "wallet": payment.wallet, "out_trade_no": payment.out_trade_no})
            return tx
    except ValidationError as error:
        reason = " ".join(error.messages)
        audit_event_record(actor=operator, action="counter_sale.wallet_refused", target=payment,
                           data={"reason": reason, "out_trade_no": payment.out_trade_no})
        raise ValidationError(_("Not sold: %(reason)s The money goes back to the resident's wallet.")
                              % {"reason": reason}, code=getattr(error, "code", None) or "not_sold") from error
