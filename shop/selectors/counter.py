"""What the operator's store screens read: the goods to ring up (with pinyin initials to find them as
one types), parcels found by pick-up code or the resident's phone, and the wrong codes counted today.

Station-scoped through stations/scope: the operator's own till station (Scope.till_station).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from oscar.core.loading import get_model

from core.models import AuditEvent
from core.money import fen_from_decimal
from core.pinyin import pinyin_initials
from shop.models import OrderPart
from shop.selectors.catalogue import product_browse_list
from stations.models import Station
from stations.scope import get_in_scope, scope_for

StockRecord = get_model("partner", "StockRecord")
Status = OrderPart.Status
MAX_SALE_PRODUCTS = 500
CODE_MISS_ACTION = "order_part.code_not_found"  # a code typed at the counter that matched no parcel


@dataclass(frozen=True)
class SaleProduct:
    pk: int
    title: str
    merchant: str
    stock: int | None
    price_fen: int
    initials: str

    def as_json(self) -> dict:
        return {"id": self.pk, "title": self.title, "merchant": self.merchant, "stock": self.stock,
                "price": self.price_fen, "initials": self.initials}


def counter_sale_products() -> list[SaleProduct]:
    """The goods the counter may sell (those the store sells), each with its first stock record."""
    products = product_browse_list()[:MAX_SALE_PRODUCTS]
    rows = []
    records: dict[int, object] = {}
    for record in StockRecord.objects.filter(product__in=[p.pk for p in products]).select_related(
            "partner").order_by("pk"):
        records.setdefault(record.product_id, record)
    for product in products:
        record = records.get(product.pk)
        if record is None or record.price is None:
            continue
        rows.append(SaleProduct(pk=product.pk, title=product.title, merchant=record.partner.name,
                                stock=record.num_in_stock, price_fen=fen_from_decimal(record.price),
                                initials=pinyin_initials(product.title)))
    return rows


def _station_parcels(station: Station) -> QuerySet[OrderPart]:
    return OrderPart.objects.filter(station=station, method="pickup").select_related(
        "order", "partner", "order__fulfilment")


def parcel_find(*, user, text: str) -> tuple[str, list[OrderPart]]:
    """Parcels of the operator's station by a 6-digit pick-up code (waiting ones) or an 11-digit mobile
    number (waiting or on their way). Returns (how it was read: "code", "phone" or "", the parcels)."""
    station = scope_for(user).till_station
    text = "".join(text.split())
    if station is None:
        return "", []
    parts = _station_parcels(station)
    if len(text) == 6 and text.isdigit():
        return "code", list(parts.filter(status=Status.READY, pickup_code=text))
    if len(text) == 11 and text.isdigit():
        return "phone", list(parts.filter(order__fulfilment__phone=text, status__in=[
            Status.CONFIRMED, Status.SENT, Status.READY]).order_by("status", "created_at"))
    return "", []


def code_misses_today(*, station: Station) -> int:
    """Wrong pick-up codes at the station today: codes that matched no parcel plus codes refused at hand-over."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    misses = AuditEvent.objects.filter(action=CODE_MISS_ACTION, at__gte=start,
                                       target_type=ContentType.objects.get_for_model(Station),
                                       target_id=str(station.pk)).count()
    part_ids = OrderPart.objects.filter(station=station).annotate(key=Cast("pk", CharField())).values("key")
    refused = AuditEvent.objects.filter(action="order_part.wrong_code", at__gte=start, target_id__in=part_ids,
                                        target_type=ContentType.objects.get_for_model(OrderPart)).count()
    return misses + refused


def access_station_parcel_by_id(*, user, part_id: int) -> OrderPart:
    """One parcel of the operator's station (404 for another station's or a missing one)."""
    station = scope_for(user).till_station
    return get_in_scope(_station_parcels(station) if station else OrderPart.objects.none(), pk=part_id)


def cash_due_fen(part: OrderPart) -> int:
    """What the operator takes in cash when handing the parcel over: the part's total when it is paid
    on hand-over (cash), nothing when it was paid online."""
    from shop.payments import get_provider

    provider = get_provider(part.order.fulfilment.payment_method, available_only=False)
    return part.total_fen if provider.settles_on_handover else 0


def parcel_receipt(*, user, part_id: int) -> dict:
    """A handed-over parcel's slip: the merchant's lines, what was taken in cash, when and by whom."""
    part = access_station_parcel_by_id(user=user, part_id=part_id)
    handed = part.events.filter(to_status=Status.COLLECTED).select_related("actor").last()
    lines = part.order.lines.filter(partner_id=part.partner_id).order_by("pk")
    return {"part": part, "lines": lines, "handed": handed, "cash_fen": cash_due_fen(part),
            "station": part.station}
