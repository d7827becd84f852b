"""Township outlines as GeoJSON: reading a county's file, and keeping each outline light enough for a web
page on a slow line (pure: no ORM).

`Region.boundary` holds a GeoJSON MultiPolygon — {"type": "MultiPolygon", "coordinates": [polygon, …]},
a polygon being [outer ring, hole, …] and a ring [[longitude, latitude], …] closed — in decimal degrees
(CGCS2000 / WGS-84, as the surveying office publishes them), or [] where nothing was uploaded. Rows
written before uploads existed hold one bare ring [[lng, lat], …]; `polygons` reads both forms, so
every reader goes through it.

A surveyed boundary has thousands of points; the map needs a few hundred. An outline is stored with at
most OUTLINE_POINTS points (Douglas–Peucker, keeping the points that matter most to its shape, across all
its rings at once) and 5 decimals (a metre), so that a county's map stays a few dozen kilobytes. An
outline within that budget is kept as it is: saving a checked outline again changes nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 1000
MAX_POSITIONS = 500_000  # in the whole file: about ten seconds' work
OUTLINE_POINTS = 150  # per township, as stored and drawn
MAX_PARTS = 20  # polygons per township (islands) and holes per polygon: the largest are kept
DECIMALS = 5  # about a metre
PROBLEMS_PER_FEATURE = 3

# Where a feature's properties give the township's division code and its name (compared lower-cased):
# our own names, the Chinese column names, and those of common GeoJSON sources (DataV's adcode).
CODE_KEYS = ("code", "division_code", "区划代码", "统计用区划代码", "代码", "adcode", "gb")
NAME_KEYS = ("name", "名称", "乡镇", "乡镇名称", "township")

Ring = list[list[float]]
Polygon = list[Ring]


@dataclass
class Feature:
    """One feature of an uploaded file: what it names, its outline as it will be stored, what is wrong."""

    number: int  # 1-based, in file order
    code: str = ""
    name: str = ""
    geometry: dict | None = None  # a MultiPolygon ready to store; None when refused
    points_in: int = 0
    points_out: int = 0
    problems: list[str] = field(default_factory=list)


# --- reading a file ----------------------------------------------------------------------------------

def read_features(data: bytes) -> list[Feature]:
    """The features of a GeoJSON FeatureCollection, each checked on its own (its problems listed, up to
    PROBLEMS_PER_FEATURE). A file that is not one at all: ValidationError keyed "file"."""
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than %(mb)d MB. Simplify the outlines (for example with "
                            "mapshaper) and upload it again.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _file_error(_("The file is not GeoJSON: it could not be read as JSON (UTF-8).")) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise _file_error(_("The file is not a GeoJSON FeatureCollection (its “type” must be "
                            "“FeatureCollection”, with a list of “features”)."))
    features = document["features"]
    if not features:
        raise _file_error(_("The file has no features."))
    if len(features) > MAX_FEATURES:
        raise _file_error(_("The file has %(count)d features; at most %(max)d are read at once.")
                          % {"count": len(features), "max": MAX_FEATURES})
    budget = _Budget()
    return [_feature(number, raw, budget) for number, raw in enumerate(features, start=1)]


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


class _Budget:
    """The positions read so far in the file, against MAX_POSITIONS."""

    def __init__(self):
        self.left = MAX_POSITIONS

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _file_error(_("The file has more than %(max)d points. Simplify the outlines (for example with "
                                "mapshaper) and upload it again.") % {"max": MAX_POSITIONS})


def _feature(number: int, raw, budget: _Budget) -> Feature:
    feature = Feature(number)
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        feature.problems.append(_("It is not a GeoJSON Feature."))
        return feature
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    feature.code, feature.name = _property(properties, CODE_KEYS), _property(properties, NAME_KEYS)
    shape, problems = _polygons_of(raw.get("geometry"), budget)
    feature.problems.extend(problems[:PROBLEMS_PER_FEATURE])
    if not problems:
        feature.points_in = count_points(shape)
        feature.geometry = multipolygon(simplified(shape))
        feature.points_out = count_points(feature.geometry["coordinates"])
    return feature


def _property(properties: dict, keys: tuple[str, ...]) -> str:
    lowered = {str(key).strip().lower(): value for key, value in properties.items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, str)):
            text = str(value).strip()
            if text:
                return text[:60]
    return ""


def _polygons_of(geometry, budget: _Budget) -> tuple[list[Polygon], list[str]]:
    """The geometry's polygons, and what is wrong with it."""
    if not isinstance(geometry, dict):
        return [], [_("It has no geometry.")]
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        coordinates = [coordinates]
    elif kind != "MultiPolygon":
        return [], [_("Its geometry is a %(type)s; a township is outlined by a Polygon or a MultiPolygon.")
                    % {"type": str(kind)[:30]}]
    if not isinstance(coordinates, list) or not coordinates:
        return [], [_("Its geometry has no coordinates.")]
    shape, problems = [], []
    for polygon in coordinates:
        if not isinstance(polygon, list) or not polygon:
            problems.append(_("A polygon has no rings."))
            continue
        rings = []
        for ring in polygon:
            checked, ring_problems = _ring(ring, budget)
            problems.extend(ring_problems)
            rings.append(checked)
        shape.append(rings)
    return shape, problems


def _ring(ring, budget: _Budget) -> tuple[Ring, list[str]]:
    """A ring closed (a file that leaves it open is forgiven) and rounded, with its problems."""
    if type(ring) is not list:
        return [], [_("A ring is not a list of positions.")]
    budget.take(len(ring))
    points = []
    for position in ring:  # the file's every point: kept short, it is most of an upload's time
        if type(position) is not list or len(position) < 2 or type(position[0]) not in _NUMBERS \
                or type(position[1]) not in _NUMBERS:
            return [], [_("A position is not [longitude, latitude].")]
        lng, lat = position[0], position[1]
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            return [], [_("The position [%(x)s, %(y)s] is off the globe: positions are [longitude, latitude], "
                          "longitude first, in decimal degrees.") % {"x": lng, "y": lat}]
        point = [round(lng, DECIMALS), round(lat, DECIMALS)]
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        return [], [_("A ring has fewer than three different points.")]
    return points, []


_NUMBERS = (int, float)  # exactly: JSON's true and false are not coordinates


# --- the stored form ---------------------------------------------------------------------------------

def multipolygon(polygons: list[Polygon]) -> dict:
    return {"type": "MultiPolygon", "coordinates": polygons}


def polygons(boundary) -> list[Polygon]:
    """A stored boundary's polygons, whichever form it was stored in ([] for none)."""
    if isinstance(boundary, dict):
        coordinates = boundary.get("coordinates") or []
        return [coordinates] if boundary.get("type") == "Polygon" else coordinates
    if isinstance(boundary, list) and len(boundary) >= 3 and isinstance(boundary[0], (list, tuple)) \
            and boundary[0] and isinstance(boundary[0][0], (int, float)):
        return [[[list(p) for p in boundary]]]  # the first form: one bare ring
    return []


def geometry(boundary) -> dict | None:
    """A stored boundary as a GeoJSON MultiPolygon (what the map draws); None for none."""
    found = polygons(boundary)
    return multipolygon(found) if found else None


def outer_ring(boundary) -> Ring:
    """The outer ring of the largest polygon: the one outline of the API's region list and the reports'
    chart, which draw a single ring per region."""
    found = polygons(boundary)
    return max((polygon[0] for polygon in found), key=lambda ring: abs(_area(ring)), default=[])


def count_points(polygons_: list[Polygon]) -> int:
    return sum(len(ring) for polygon in polygons_ for ring in polygon)


# --- simplifying -------------------------------------------------------------------------------------

def simplified(polygons_: list[Polygon], budget: int = OUTLINE_POINTS) -> list[Polygon]:
    """At most MAX_PARTS polygons and holes (the largest), and about `budget` points: every ring keeps
    at least four (a triangle), the rest go to the points that matter most to the shape. An outline
    within the budget comes back as it is."""
    kept = _largest(polygons_, MAX_PARTS, outline=lambda polygon: polygon[0])
    kept = [polygon[:1] + _largest(polygon[1:], MAX_PARTS) for polygon in kept]
    if count_points(kept) <= budget:
        return kept
    rings = _thinned([ring for polygon in kept for ring in polygon], budget)
    weights = [_importance(ring) for ring in rings]
    chosen = [set() for _ring_ in rings]
    optional = []
    for index, (ring, weight) in enumerate(zip(rings, weights, strict=True)):
        inner = sorted(range(1, len(ring) - 1), key=lambda i: (-weight[i], i))
        chosen[index].update({0, len(ring) - 1, *inner[:2]})
        optional.extend((-weight[i], index, i) for i in inner[2:])
    optional.sort()
    for _weight, index, i in optional[: max(0, budget - sum(map(len, chosen)))]:
        chosen[index].add(i)
    thinned = iter([[ring[i] for i in sorted(keep)] for ring, keep in zip(rings, chosen, strict=True)])
    return [[next(thinned) for _ring_ in polygon] for polygon in kept]


def _thinned(rings: list[Ring], budget: int) -> list[Ring]:
    """Rings without the points closer to the one before than 1/(4 × budget) of the outline's extent:
    Douglas–Peucker then works on a few thousand points, not on a surveyor's hundred thousand."""
    xs, ys = [x for ring in rings for x, _y in ring], [y for ring in rings for _x, y in ring]
    spacing = math.hypot(max(xs) - min(xs), max(ys) - min(ys)) / (4 * budget)
    thinned = []
    for ring in rings:
        kept = [ring[0]]
        for point in ring[1:-1]:
            if math.dist(point, kept[-1]) >= spacing:
                kept.append(point)
        thinned.append([*kept, ring[-1]] if len(kept) >= 3 else ring)
    return thinned


def _largest(items: list, count: int, outline=lambda ring: ring) -> list:
    """The `count` items of the largest area (of their `outline`), in their order."""
    if len(items) <= count:
        return items
    ranked = sorted(range(len(items)), key=lambda i: -abs(_area(outline(items[i]))))[:count]
    return [items[i] for i in sorted(ranked)]


def _area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring)) / 2


def _importance(ring: Ring) -> list[float]:
    """Per point, the largest Douglas–Peucker tolerance at which it would still be kept (monotone: a point
    never outranks the one that split its stretch), longitude scaled by cos(latitude)."""
    scale = math.cos(math.radians(sum(y for _x, y in ring) / len(ring)))
    points = [(x * scale, y) for x, y in ring]
    weight = [math.inf] * len(points)
    stack = [(0, len(points) - 1, math.inf)]
    while stack:
        first, last, ceiling = stack.pop()
        if last - first < 2:
            continue
        distance, split = max((_distance(points[i], points[first], points[last]), i) for i in range(first + 1, last))
        weight[split] = min(distance, ceiling)
        stack.append((first, split, weight[split]))
        stack.append((split, last, weight[split]))
    return weight


def _distance(point, start, end) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


# --- a station's position ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    """Where a position may lie: a box in decimal degrees, and the place it is ("" for China's own)."""

    south: float
    west: float
    north: float
    east: float
    place: str = ""


# Mainland China, Hainan and the islands of the South China Sea, with a little to spare: a position
# outside it is a typing slip (swapped degrees, a missing digit), not a village.
CHINA = Area(south=3.5, west=73.4, north=53.6, east=135.1)
# How far past its outlines' box a county's positions may lie: outlines are thinned (see simplified),
# and a station on the border must not be refused for it. About two kilometres.
AREA_MARGIN = 0.02


def outlined_area(outlines: list[list[Polygon]], place: str) -> Area | None:
    """The box around `outlines` (stored boundaries' polygons, e.g. a county's townships), widened by
    AREA_MARGIN; None when there is no outline."""
    points = [point for polygons_ in outlines for polygon in polygons_ for ring in polygon for point in ring]
    if not points:
        return None
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return Area(south=min(lats) - AREA_MARGIN, west=min(lngs) - AREA_MARGIN, north=max(lats) + AREA_MARGIN,
                east=max(lngs) + AREA_MARGIN, place=place)


def position_problems(latitude, longitude, area: Area) -> dict[str, list[str]]:
    """What is wrong with a position (Decimals or floats, both given) inside `area`, by field ("latitude",
    "longitude", "__all__"); {} when nothing is."""
    lat, lng = float(latitude), float(longitude)
    problems: dict[str, list[str]] = {}
    for name, value, low, high in (("latitude", lat, area.south, area.north), ("longitude", lng, area.west, area.east)):
        if low <= value <= high:
            continue
        values = {"value": _degrees(value), "low": _degrees(low), "high": _degrees(high), "place": area.place}
        if area.place:
            message = (_("Latitude %(value)s is outside %(place)s: its outlines run from %(low)s to %(high)s.")
                       if name == "latitude" else
                       _("Longitude %(value)s is outside %(place)s: its outlines run from %(low)s to %(high)s."))
        else:
            message = (_("Latitude %(value)s is outside China: use a value from %(low)s to %(high)s.")
                       if name == "latitude" else
                       _("Longitude %(value)s is outside China: use a value from %(low)s to %(high)s."))
        problems[name] = [message % values]
    if len(problems) == 2 and area.south <= lng <= area.north and area.west <= lat <= area.east:
        problems["__all__"] = [_("The latitude and longitude look swapped: latitude is the smaller number here "
                                 "(north–south), longitude the larger (east–west).")]
    return problems


def _degrees(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres along the earth's surface between two WGS-84 points (haversine; a sphere is close enough
    for "is this the same street lamp")."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


def degrees_box(latitude: float, metres: float) -> tuple[float, float]:
    """Half the sides, in degrees of latitude and of longitude, of a box `metres` around a point."""
    return metres / 111_000, metres / (111_000 * max(0.01, math.cos(math.radians(latitude))))
