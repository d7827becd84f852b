"""Public station directory as JSON (the portal map and the counter's offline cache use it)."""

from decimal import Decimal

from ninja import Router, Schema

from core.api import Text
from stations.selectors import public_region_list, public_station_directory

router = Router(tags=["stations"])


class StationOut(Schema):
    code: str
    name: str
    village: str
    township: str
    tier: str
    status: str
    address: str
    phone: str
    opening_hours: str
    latitude: Decimal | None
    longitude: Decimal | None
    services: list[str]


@router.get("/stations/", response=list[StationOut], url_name="station-directory")
def station_directory(request, township: Text | None = None, status: Text | None = None):
    """Every station with its build status, as on the county's wall map; no personal data."""
    return public_station_directory(township_code=township, status=status)


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    boundary: list[list[float]]  # the largest polygon's outer ring, as before outlines were uploaded
    geometry: dict | None  # the whole outline: a GeoJSON MultiPolygon


@router.get("/regions/", response=list[RegionOut], url_name="region-list")
def region_list(request, level: Text | None = None, within: Text | None = None):
    """The public region tree (city › county › township › village) with map outlines."""
    return public_region_list(level=level, within_code=within)
