"""The offline station map's geometry (portal/svg_map.py): pure, no database."""

from decimal import Decimal

from portal import svg_map

SQUARE = [[118.0, 39.0], [118.2, 39.0], [118.2, 39.2], [118.0, 39.2]]


def _station(code, lat, lng, status="open"):
    return {"code": code, "name": code, "status": status, "latitude": lat, "longitude": lng}


def test_everything_is_drawn_inside_the_picture_with_north_up():
    drawing = svg_map.draw(
        regions=[{"code": "T1", "name": "甲镇", "boundary": SQUARE, "latitude": None, "longitude": None}],
        stations=[_station("N", Decimal("39.19"), Decimal("118.1")), _station("S", Decimal("39.01"), Decimal("118.1"))],
        width=400, padding=10)

    north, south = drawing.dots
    assert north.y < south.y
    for dot in drawing.dots:
        assert 10 <= dot.x <= 390 and 10 <= dot.y <= drawing.height - 10
    xs = [float(p.split(",")[0]) for p in drawing.areas[0].points.split()]
    assert min(xs) >= 10 and max(xs) <= 390


def test_longitude_is_shortened_by_the_cosine_of_the_latitude():
    drawing = svg_map.draw(regions=[{"code": "T", "name": "T", "boundary": SQUARE, "latitude": None,
                                     "longitude": None}], stations=[], width=400, padding=0)
    points = [tuple(map(float, p.split(","))) for p in drawing.areas[0].points.split()]
    width = max(x for x, _ in points) - min(x for x, _ in points)
    height = max(y for _, y in points) - min(y for _, y in points)
    assert 0.75 < width / height < 0.8  # cos(39.1°) ≈ 0.776: a square of degrees is taller than wide


def test_stations_without_coordinates_are_listed_not_drawn():
    drawing = svg_map.draw(regions=[], stations=[_station("A", None, None), _station("B", Decimal("39"),
                                                                                      Decimal("118"))])
    assert [d.code for d in drawing.dots] == ["B"]
    assert drawing.unplaced == ["A"]


def test_regions_without_an_outline_are_skipped_and_an_empty_map_still_has_a_size():
    drawing = svg_map.draw(regions=[{"code": "X", "name": "X", "boundary": [], "latitude": 1, "longitude": 1}],
                           stations=[])
    assert drawing.areas == [] and drawing.dots == []
    assert drawing.width > 0 and drawing.height > 0
