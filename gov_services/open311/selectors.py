"""Reads for Open311: the jurisdiction, where a report is (its village), and the requests a caller sees.

Who sees which requests: anyone, those the resident let be shown publicly (`is_public`) in the county;
a channel's key, also every request that channel filed. Never the reporter: the GeoReport fields we
give carry no personal data (see views.request_row)."""

import math
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from gov_services.channels.models import Channel
from gov_services.models import ServiceRequest
from gov_services.open311.models import Open311Token
from stations.models import Region

PLACE_LEVELS = (Region.Level.VILLAGE, Region.Level.COMMUNITY)
# A point further than this from every village of the county is not taken as being in it.
NEAREST_VILLAGE_MAX_KM = 15.0
MAX_RESULTS = 1000


def jurisdiction_by_code(code: str) -> Region | None:
    return Region.objects.filter(level=Region.Level.COUNTY, code=code).first() if code else None


def only_jurisdiction() -> Region | None:
    """The county, when the platform serves one (then jurisdiction_id may be left out)."""
    counties = list(Region.objects.filter(level=Region.Level.COUNTY)[:2])
    return counties[0] if len(counties) == 1 else None


def _places_in(county: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=county.path, level__in=PLACE_LEVELS)


def village_by_code(*, county: Region, code: str) -> Region | None:
    return _places_in(county).filter(code=code).first()


def village_near(*, county: Region, latitude: Decimal, longitude: Decimal) -> Region | None:
    """The county's village (or community) whose point is nearest, within NEAREST_VILLAGE_MAX_KM."""
    best, best_km = None, NEAREST_VILLAGE_MAX_KM
    for place in _places_in(county).exclude(latitude=None).exclude(longitude=None).only(
            "pk", "path", "name", "code", "level", "latitude", "longitude", "depth", "numchild"):
        km = _km(float(latitude), float(longitude), float(place.latitude), float(place.longitude))
        if km <= best_km:
            best, best_km = place, km
    return best


def village_named_in(*, county: Region, text: str) -> Region | None:
    """The county's village whose name the address names (the longest name found wins)."""
    found = [place for place in _places_in(county).only("pk", "name", "path", "code", "level", "depth", "numchild")
             if place.name and place.name in text]
    return max(found, key=lambda place: len(place.name), default=None)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def open311_requests_visible(*, county: Region, channel: Channel | None) -> QuerySet[ServiceRequest]:
    seen = Q(is_public=True)
    if channel is not None:
        seen |= Q(channel_link__channel=channel)
    return (ServiceRequest.objects
            .filter(Q(village__path__startswith=county.path) | Q(station__village__path__startswith=county.path))
            .filter(seen)
            .select_related("item", "department", "village", "channel_link")
            .order_by("-submitted_at", "-pk"))


def open311_requests_search(*, requests: QuerySet[ServiceRequest], ids: list[str] | None = None,
                            appeal_categories: list[str] = (), item_codes: list[str] = (),
                            statuses: frozenset[str] | None = None, start: datetime | None = None,
                            end: datetime | None = None) -> QuerySet[ServiceRequest]:
    """The standard's filters: ids (which override every other filter), service codes, status, dates."""
    if ids:
        return requests.filter(tracking_code__in=ids)[:MAX_RESULTS]
    if appeal_categories or item_codes:
        requests = requests.filter(Q(kind=ServiceRequest.Kind.APPEAL, appeal_category__in=appeal_categories)
                                   | Q(item__code__in=item_codes))
    if statuses is not None:
        requests = requests.filter(status__in=statuses)
    if start is not None:
        requests = requests.filter(submitted_at__gte=start)
    if end is not None:
        requests = requests.filter(submitted_at__lte=end)
    return requests[:MAX_RESULTS]


def token_by_id(*, county: Region, token: str) -> Open311Token | None:
    return (Open311Token.objects.select_related("request", "channel")
            .filter(token=token, channel__jurisdiction=county).first())
