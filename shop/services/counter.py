"""Counter sales: the operator rings up goods for a walk-in resident and takes cash into the till.

Two kinds (CounterSale.Mode): goods on display are handed over at once — their parts are born
"collected", the one way into the order flow that skips the table, because nothing travels — or
an order is placed for the resident to collect later, and then moves like any other order.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from accounts.models import User
from agency import services as agency
from core.audit import audit_event_record
from core.idempotency import create_once
from core.money import fen_from_decimal, format_yuan
from shop.addresses import china_id
from shop.models import CounterSale, OrderPart, OrderPartEvent
from shop.services import payments, settlement
from shop.services.orders import order_parts_create
from shop.shipping.methods import StationPickup
from stations.scope import require, scope_for

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

MAX_QUANTITY = 99


def operator_station(user: User):
    station = scope_for(user).till_station
    require(station is not None, _("Only a station's operator sells at its counter."))
    return station


def sale_basket(items: list[tuple[int, int]]):
    """A basket of the goods, their stock checked under a lock on their stock records (so that two sales of
    the last units at the same moment cannot both pass the check)."""
    if not items:
        raise ValidationError(_("Add at least one item."))
    list(StockRecord.objects.select_for_update().filter(product_id__in=[pk for pk, _qty in items]).order_by("pk")
         .values_list("pk", flat=True))
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    products = Product.objects.in_bulk([product_id for product_id, _qty in items])
    for product_id, quantity in items:
        product = products.get(product_id)
        if product is None or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationError(_("Choose a product and a quantity from 1 to %(max)d.") % {"max": MAX_QUANTITY})
        info = basket.strategy.fetch_for_product(product)
        allowed, reason = info.availability.is_purchase_permitted(quantity)
        if not allowed:
            raise ValidationError(_("%(title)s: %(reason)s") % {"title": product.title, "reason": reason})
        basket.add_product(product, quantity)
    return basket


@transaction.atomic
def counter_sale_create(*, user: User, idempotency_key: uuid.UUID, mode: str, items: list[tuple[int, int]],
                        customer_name: str = "", phone: str = "", cash_received_fen: int | None = None
                        ) -> CounterSale:
    """Ring up a sale; the same form sent twice returns the first sale.

    `cash_received_fen`, when the operator typed what the resident handed over, must cover the total
    of goods handed over now; the receipt then shows it and the change.
    """

    def build() -> CounterSale:
        station = operator_station(user)
        if mode not in CounterSale.Mode.values:
            raise ValidationError(_("Choose the kind of sale."))
        if mode == CounterSale.Mode.ORDER and not phone:
            raise ValidationError(_("An order to collect later needs the resident's mobile number for the pick-up "
                                    "code."))
        basket = sale_basket(items)
        order = sale_place(basket, station, customer_name)
        total_fen = fen_from_decimal(order.total_incl_tax)
        if mode == CounterSale.Mode.HAND_OVER and cash_received_fen is not None and cash_received_fen < total_fen:
            raise ValidationError({"cash_received": [_("The cash received is less than the total of %(total)s.")
                                                     % {"total": format_yuan(total_fen)}]})
        order_parts_create(order=order, method="pickup", station=station,
                           recipient=customer_name or _("Walk-in customer"), phone=phone, payment_method="cash")
        received = cash_received_fen if mode == CounterSale.Mode.HAND_OVER else None
        return CounterSale(order=order, station=station, operator=user, mode=mode, cash_received_fen=received)

    # A concurrent send of the same form wins: the order placed here is undone with the savepoint.
    sale, created = create_once(CounterSale, key={"idempotency_key": idempotency_key}, build=build)
    if not created:
        return sale
    order = sale.order
    if mode == CounterSale.Mode.HAND_OVER:
        sale_hand_over(sale, user)
    audit_event_record(actor=user, action="counter_sale.created", target=sale,
                       data={"order": str(order.number), "mode": mode, "till": sale.till_reference})
    return sale


def sale_place(basket, station, customer_name: str):
    method = StationPickup()
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    address = ShippingAddress.objects.create(first_name=customer_name or station.name, line1=station.address,
                                             line4=station.name, country_id=china_id())
    order = OrderCreator().place_order(basket=basket, total=total, shipping_method=method, shipping_charge=charge,
                                       user=None, shipping_address=address,
                                       order_number=OrderNumberGenerator().order_number(basket))
    basket.submit()
    return order


def sale_hand_over(sale: CounterSale, user: User):
    """The till's record of the sale (cash into the drawer, or the wallet's confirmed payment under the same
    key into the wallet clearing account) and the goods handed over. Returns the till transaction."""
    total_fen = fen_from_decimal(sale.order.total_incl_tax)
    tx = agency.cash_sale_record(actor=user, station=sale.station, amount_fen=total_fen,
                                 idempotency_key=sale.idempotency_key, external_reference=str(sale.order.number),
                                 description=_("Counter sale"), payment_method=sale.payment_method)
    sale.till_reference = tx.reference
    sale.save(update_fields=["till_reference"])
    if sale.wallet_order:
        payments.wallet_taken_record(order=sale.order, provider=sale.payment_method, out_trade_no=sale.wallet_order,
                                     amount_fen=total_fen, actor=user)
    for part in sale.order.parts.select_related("partner", "station"):
        part.status, part.counter_sale_reference = OrderPart.Status.COLLECTED, tx.reference
        if not sale.wallet_order:
            payments.cash_taken_record(part=part, actor=user)
        settlement.part_commission_post(part=part, actor=user)
        part.save(update_fields=["status", "counter_sale_reference", "commission_fen", "commission_reference",
                                 "updated_at"])
        OrderPartEvent.objects.create(part=part, actor=user, from_status=OrderPart.Status.PLACED,
                                      to_status=OrderPart.Status.COLLECTED, note=_("Counter sale"))
    return tx
