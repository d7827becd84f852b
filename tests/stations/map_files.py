"""Helpers for the county map's tests: GeoJSON files of township outlines built in memory."""

import json

from stations.models import Region
from stations.regions import codes


def square(lng: float, lat: float, half: float = 0.05) -> list:
    return [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half],
            [lng - half, lat - half]]


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(lng: float = 118.9, lat: float = 39.4) -> dict:
    return {"type": "Polygon", "coordinates": [square(lng, lat)]}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def code(region: Region) -> str:
    return codes.canonical(region.code)


def two_townships_file(tree) -> bytes:
    t1, t2 = tree["townships"]
    return geojson(feature(polygon(118.9), code=code(t1), name="文件里的名字"),
                   feature({"type": "MultiPolygon", "coordinates": [[square(119.1, 39.4)], [square(119.3, 39.4, .01)]]},
                           code=code(t2)))
