"""What a resident shopping needs: stations that hand out orders, their own station, delivery fees."""

from django.db.models import QuerySet

from shop.models import DeliveryFee, Merchant, ShopperStation
from stations.models import Region, Station, StationService

SESSION_STATION_KEY = "shop_station_id"


def pickup_stations() -> QuerySet[Station]:
    """Open stations that hand out store orders."""
    return (Station.objects.filter(status=Station.Status.OPEN, services__kind=StationService.Kind.SHOP_PICKUP)
            .select_related("village").order_by("village__path", "name"))


def shopper_station_for(*, user, session) -> Station | None:
    """The station the resident shops through: their saved one, else the one this browser chose."""
    station_id = None
    if user.is_authenticated:
        station_id = ShopperStation.objects.filter(user=user).values_list("station_id", flat=True).first()
    station_id = station_id or session.get(SESSION_STATION_KEY)
    return pickup_stations().filter(pk=station_id).first() if station_id else None


def delivery_townships(*, partner_ids: set[int]) -> list[tuple[Region, int]]:
    """Townships with home delivery that every merchant in the basket serves, with the fee in fen."""
    fees = DeliveryFee.objects.filter(active=True).select_related("township").order_by("township__code")
    merchants = list(Merchant.objects.filter(partner_id__in=partner_ids).prefetch_related("townships"))
    if not partner_ids or len(merchants) != len(partner_ids):
        return []  # a seller without a membership does not deliver
    served = set.intersection(*[{t.pk for t in m.townships.all()} for m in merchants])
    return [(fee.township, fee.fee_fen) for fee in fees if fee.township_id in served]


def delivery_still_offered(*, township_id: int | None) -> bool:
    """Whether the township has home delivery now (the county may turn it off while a resident checks out)."""
    return bool(township_id) and DeliveryFee.objects.filter(township_id=township_id, active=True).exists()
