"""Reads for the county map (stations/templates/stations/_map.html): township outlines and station
positions, as the one JSON the map's script draws, for the back office, the public directory and the
location picker. Which stations a user sees is stations/scope's rule (through stations.selectors)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from stations import geo
from stations.models import Region, Station
from stations.scope import can_change_region, scope_for
from stations.selectors import region_list, station_list

STATUS, PICK = "status", "pick"  # the map's modes: stations by build status; a point to choose


def outline_townships(*, user) -> QuerySet[Region]:
    """The townships whose outline `user` may upload (None: the system, every township)."""
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if user is None:
        return townships.order_by("code")
    allowed = [t.pk for t in region_list(user=user).filter(level=Region.Level.TOWNSHIP) if can_change_region(user, t)]
    return townships.filter(pk__in=allowed).order_by("code")


def home_region(*, user) -> Region | None:
    """The region a user's back office maps: their widest; for a superuser without one, the first city."""
    region = scope_for(user).admin_region
    if region is None and scope_for(user).everything:
        region = Region.get_root_nodes().filter(level=Region.Level.CITY).first()
    return region


def townships_under(region: Region) -> QuerySet[Region]:
    """The townships at or under `region`, in code order."""
    if region.level == Region.Level.TOWNSHIP:
        return Region.objects.filter(pk=region.pk)
    return Region.objects.filter(path__startswith=region.path, level=Region.Level.TOWNSHIP).order_by("code")


def county_map(*, user, region: Region) -> dict:
    """The back office's wall map: the townships under `region` and the stations there that `user` sees,
    each linking to its page. Two queries."""
    stations = station_list(user=user).filter(village__path__startswith=region.path)
    points = [{"code": s.code, "name": s.name, "status": s.status, "latitude": s.latitude, "longitude": s.longitude,
               "url": reverse("stations:station-detail", args=[s.pk])} for s in stations]
    return map_payload(mode=STATUS, townships=townships_under(region), points=points)


def public_map(*, stations: list[dict], townships: list[dict], selected: str = "") -> dict:
    """The public directory's map from its rows (stations.selectors.public_station_directory and
    public_region_list): each station links to its card on the page; `selected` township is outlined."""
    points = [{**s, "url": f"#station-{s['code']}"} for s in stations]
    return map_payload(mode=STATUS, townships=townships, points=points, selected=selected)


def picker_map(*, region: Region, inputs: tuple[str, str] = ("id_latitude", "id_longitude")) -> dict:
    """A point to choose (a station's position), with the townships under `region` as a guide: a click
    fills the inputs whose ids are `inputs` (latitude, longitude); their values place the marker. Where no
    township is outlined the map opens on `region`'s own position, when it has one."""
    centre = [float(region.latitude), float(region.longitude)] \
        if region.latitude is not None and region.longitude is not None else None
    return map_payload(mode=PICK, townships=townships_under(region), points=[],
                       pick={"inputs": list(inputs), "centre": centre})


def county_of(region: Region) -> Region | None:
    """The county `region` lies in (itself when it is one); None above county level."""
    if region.depth < 2:
        return None
    if region.depth == 2:
        return region
    return Region.objects.filter(path=region.path[: Region.steplen * 2]).first()


def position_area(*, county: Region | None) -> geo.Area:
    """Where a station of `county` may be put: inside the box of its township outlines once every one of its
    townships is outlined (a county half outlined would refuse the rest), else anywhere in China."""
    if county is None:
        return geo.CHINA
    boundaries = list(townships_under(county).values_list("boundary", flat=True))
    outlines = [geo.polygons(boundary) for boundary in boundaries]
    if not outlines or not all(outlines):
        return geo.CHINA
    return geo.outlined_area(outlines, county.name) or geo.CHINA


def map_payload(*, mode: str, townships, points: list[dict], selected: str = "", pick: dict | None = None) -> dict:
    """What the map's script reads (json_script): `townships` (Regions, or public_region_list rows) as a
    GeoJSON FeatureCollection; `points` ({code, name, status, latitude, longitude, url}) with a position;
    the legend's counts; the tile layer, when one is configured."""
    statuses = dict(Station.Status.choices)
    placed = [p for p in points if p["latitude"] is not None and p["longitude"] is not None]
    features = []
    for township in townships:
        if isinstance(township, Region):
            township = {"code": township.code, "name": township.name, "geometry": geo.geometry(township.boundary)}
        if township["geometry"] is not None:
            features.append({"type": "Feature", "geometry": township["geometry"], "properties": {
                "code": township["code"], "name": township["name"], "selected": township["code"] == selected}})
    return {
        "mode": mode,
        "townships": {"type": "FeatureCollection", "features": features},
        "points": [{"code": p["code"], "name": p["name"], "status": p["status"],
                    "status_label": str(statuses.get(p["status"], p["status"])), "url": p["url"],
                    "lat": float(p["latitude"]), "lng": float(p["longitude"])} for p in placed],
        "legend": [(value, label, sum(p["status"] == value for p in points)) for value, label in statuses.items()]
        if mode == STATUS and points else [],
        "unplaced": len(points) - len(placed),
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
        if settings.MAP_TILE_URL else None,
        "pick": pick,
    }
