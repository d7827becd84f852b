"""The station map as plain geometry for an inline SVG (pure: no ORM, no Django).

Like Laoting's wall map: township outlines, one dot per station coloured by its build status. No
tiles and no JavaScript, so it works with no internet. Coordinates are longitude/latitude in degrees;
an equirectangular projection with the longitude scaled by cos(latitude) is true enough for a county
(tens of kilometres). North is up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    points: str  # "x,y x,y …" for <polygon points>
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    status: str
    x: float
    y: float


@dataclass(frozen=True)
class MapDrawing:
    width: int
    height: int
    areas: list[Area]
    dots: list[Dot]
    unplaced: list[str]  # station codes without coordinates


def _num(value) -> float | None:
    return None if value is None or value == "" else float(value)


def draw(*, regions: Iterable[dict], stations: Iterable[dict], width: int = 640, padding: int = 16) -> MapDrawing:
    """Fit township outlines (`regions`: code, name, boundary [[lng, lat], …], latitude, longitude) and
    stations (code, name, status, latitude, longitude) into a `width`-wide picture.

    A region without an outline is skipped; a station without coordinates is listed in `unplaced`.
    """
    regions = [r for r in regions if len(r.get("boundary") or []) >= 3]
    stations = list(stations)
    placed = [s for s in stations if _num(s.get("latitude")) is not None and _num(s.get("longitude")) is not None]
    lngs = [float(p[0]) for r in regions for p in r["boundary"]] + [_num(s["longitude"]) for s in placed]
    lats = [float(p[1]) for r in regions for p in r["boundary"]] + [_num(s["latitude"]) for s in placed]
    unplaced = [s["code"] for s in stations if s not in placed]
    if not lngs:
        return MapDrawing(width, width // 2, [], [], unplaced)

    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    x_scale = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * x_scale, 1e-6)
    span_y = max(north - south, 1e-6)
    inner = width - 2 * padding
    scale = inner / max(span_x, span_y)
    height = round(span_y * scale) + 2 * padding
    offset_x = padding + (inner - span_x * scale) / 2

    def project(lng: float, lat: float) -> tuple[float, float]:
        return (round(offset_x + (lng - west) * x_scale * scale, 1), round(padding + (north - lat) * scale, 1))

    areas = []
    for region in regions:
        points = [project(float(lng), float(lat)) for lng, lat in region["boundary"]]
        # The name goes at the top of the outline, where it does not hide the stations inside.
        xs, ys = [x for x, _ in points], [y for _, y in points]
        areas.append(Area(region["code"], region["name"], " ".join(f"{x},{y}" for x, y in points),
                          round((min(xs) + max(xs)) / 2, 1), round(min(ys) + 18, 1)))
    dots = [Dot(s["code"], s["name"], s["status"], *project(_num(s["longitude"]), _num(s["latitude"])))
            for s in placed]
    return MapDrawing(width, height, areas, dots, unplaced)
