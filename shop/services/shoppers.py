from django.db import transaction

from shop.models import ShopperStation
from shop.selectors.shoppers import SESSION_STATION_KEY
from stations.models import Station


@transaction.atomic
def shopper_station_remember(*, user, session, station: Station) -> None:
    """Remember the resident's station: on their account when signed in, in the browser's session always."""
    session[SESSION_STATION_KEY] = station.pk
    if user.is_authenticated:
        ShopperStation.objects.update_or_create(user=user, defaults={"station": station})
