"""Cash-only counter work captured while the network was down, done when it syncs (agency/offline_sync.py
calls these; config/offline.py declares them): a sale of goods on display, and a parcel handed over
against its pick-up code (checked in the browser against a hash of the code; checked again here).

Each calls the store's ordinary service: `counter_sale_create` (idempotent on the key the browser made)
and `order_part_hand_over` (the OfflineItem row of the key makes it once). Conflicts: the goods ran out
or their price changed meanwhile; the parcel was handed over elsewhere, or sent back, or its code
changed (a new code was sent) meanwhile.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from agency.offline_sync import Conflict, Ok
from core.money import fen_from_decimal, format_yuan
from shop.models import CounterSale, OrderPart
from shop.services.counter import MAX_QUANTITY, counter_sale_create
from shop.services.orders import order_part_hand_over
from stations.models import Station

Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")
Status = OrderPart.Status


def _int(value, message: str, *, field: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [message]}) from None


def sale_sync(*, actor, station: Station, key: uuid.UUID, data, files, captured_at: datetime.datetime,
              confirm: bool) -> Ok | Conflict:
    """Ring up the sale the counter made offline (goods handed over, cash taken): once, on its key."""
    products = data.getlist("product")
    quantities = data.getlist("quantity")
    if not products or len(products) != len(quantities):
        raise ValidationError({"product": [_("Add at least one item.")]})
    items = [(_int(p, _("Choose a product."), field="product"),
              _int(q, _("Choose a quantity from 1 to %(max)d.") % {"max": MAX_QUANTITY}, field="quantity"))
             for p, q in zip(products, quantities, strict=True)]
    charged_fen = _int(data.get("total_fen", ""), _("The sale has no total."), field="total_fen")
    if not CounterSale.objects.filter(idempotency_key=key).exists():
        strategy = Selector().strategy()
        found = Product.objects.in_bulk([p for p, _q in items])
        gone, total_fen = [], 0
        for product_id, quantity in items:
            product = found.get(product_id)
            if product is None:
                gone.append(_("a product no longer sold"))
                continue
            info = strategy.fetch_for_product(product)
            allowed, _reason = info.availability.is_purchase_permitted(quantity)
            if not allowed or info.price.excl_tax is None:
                gone.append(product.title)
                continue
            total_fen += fen_from_decimal(info.price.incl_tax) * quantity
        if gone:
            return Conflict("stock_gone", _("Out of stock now: %(goods)s. Change the sale (fewer or other goods) or "
                                            "discard it with a reason.") % {"goods": "、".join(gone)},
                            {"goods": gone})
        if total_fen != charged_fen and not confirm:
            return Conflict("price_changed", _(
                "The goods cost %(now)s now; %(then)s was taken offline. Confirm to record the sale at today's "
                "prices, or discard it with a reason.") % {"now": format_yuan(total_fen),
                                                           "then": format_yuan(charged_fen)},
                {"now_fen": total_fen, "then_fen": charged_fen})
    sale = counter_sale_create(user=actor, idempotency_key=key, mode=CounterSale.Mode.HAND_OVER, items=items,
                               customer_name=data.get("customer_name", "")[:60])
    return Ok(reference=str(sale.order.number), label=_("Order number"),
              url=reverse("shop:counter-sale-receipt", args=[sale.pk]))


def parcel_handover_sync(*, actor, station: Station, key: uuid.UUID, data, files,
                         captured_at: datetime.datetime, confirm: bool) -> Ok | Conflict:
    """Record the hand-over of a parcel the counter gave out offline, against its pick-up code."""
    part_id = _int(data.get("part_id", ""), _("This parcel is not at your station."), field="part_id")
    part = OrderPart.objects.filter(pk=part_id, station=station, method="pickup").first()
    if part is None:
        raise ValidationError({"part_id": [_("This parcel is not at your station.")]})
    if part.status == Status.COLLECTED:
        return Conflict("parcel_handed_over", _("%(ref)s was handed over elsewhere meanwhile (another counter or "
                                                "browser). Check with the resident; discard this one with a "
                                                "reason.") % {"ref": part.reference}, {"reference": part.reference})
    if part.status != Status.READY:
        return Conflict("parcel_withdrawn", _("%(ref)s no longer waits at the station (%(status)s).") % {
            "ref": part.reference, "status": part.get_status_display()}, {"reference": part.reference})
    try:
        order_part_hand_over(user=actor, part_id=part.pk, code=str(data.get("code", "")).strip())
    except ValidationError as error:
        if getattr(error, "code", None) in ("wrong_code", "locked"):
            # Counted as a wrong code (kept: this Conflict is returned, not raised).
            return Conflict("code_changed", _("%(ref)s: the pick-up code no longer matches (a new code was sent "
                                              "meanwhile, or it was typed wrong). Ask the resident for the code "
                                              "in their latest text and send again.") % {"ref": part.reference},
                            {"reference": part.reference})
        raise
    return Ok(reference=part.reference, label=_("Parcel"),
              url=reverse("shop:counter-parcel-receipt", args=[part.pk]))
