"""The county map's township outlines: uploaded as GeoJSON, checked, scoped, saved all or nothing and
idempotent; thinned to stay light for a slow line; read back by the API."""

import math

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from stations import geo, services_map
from stations.models import Region
from stations.selectors import public_region_list
from stations.selectors_map import outline_townships
from tests.factories import county_tree
from tests.stations.map_files import code, feature, geojson, polygon, square, two_townships_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def outline_events():
    return AuditEvent.objects.filter(action=services_map.OUTLINE_SET)


# --- the file ------------------------------------------------------------------------------------------

def test_a_checked_file_writes_nothing_and_says_which_township_each_outline_is_for(tree):
    check = services_map.township_outlines_check(actor=None, data=two_townships_file(tree))

    t1, t2 = tree["townships"]
    assert check.ok and check.counts == {"added": 2, "changed": 0, "unchanged": 0, "refused": 0}
    assert [row.township for row in check.rows] == [t1, t2]
    assert check.rows[0].feature.name == "文件里的名字"  # shown beside the township's own name
    assert Region.objects.exclude(boundary=[]).count() == 0 and not outline_events().exists()


def test_saving_stores_each_outline_as_a_multipolygon_with_one_audit_event_per_township(tree, county_admin):
    check = services_map.township_outlines_save(actor=county_admin, data=two_townships_file(tree))

    t1, t2 = (Region.objects.get(pk=t.pk) for t in tree["townships"])
    assert t1.boundary == {"type": "MultiPolygon", "coordinates": [[[[round(x, 5), round(y, 5)]
                                                                      for x, y in square(118.9, 39.4)]]]}
    assert len(geo.polygons(t2.boundary)) == 2  # the island is kept
    events = outline_events()
    assert sorted(int(e.target_id) for e in events) == sorted([t1.pk, t2.pk])
    assert {e.actor for e in events} == {county_admin}
    assert events.get(target_id=str(t1.pk)).data["points"] == 5
    assert check.counts["added"] == 2


def test_saving_the_same_file_again_changes_nothing(tree, county_admin):
    data = two_townships_file(tree)
    first = services_map.township_outlines_save(actor=county_admin, data=data)
    stored = list(Region.objects.filter(level="township").values_list("boundary", flat=True))

    again = services_map.township_outlines_save(actor=county_admin, data=data)
    # What the check page sends back to be saved is the same outlines, so it changes nothing either.
    checked = services_map.township_outlines_save(actor=county_admin, data=first.as_geojson().encode())

    assert again.counts["unchanged"] == 2 and checked.counts["unchanged"] == 2
    assert list(Region.objects.filter(level="township").values_list("boundary", flat=True)) == stored
    assert outline_events().count() == 2


def test_a_changed_outline_replaces_the_old_one(tree, county_admin):
    t1 = tree["townships"][0]
    services_map.township_outlines_save(actor=county_admin, data=geojson(feature(polygon(118.9), code=code(t1))))

    check = services_map.township_outlines_save(actor=county_admin,
                                                data=geojson(feature(polygon(118.95), code=code(t1))))

    assert check.counts["changed"] == 1
    assert geo.outer_ring(Region.objects.get(pk=t1.pk).boundary)[0] == [118.9, 39.35]
    assert outline_events().count() == 2


def test_townships_are_found_by_nine_digit_code_or_by_name(tree):
    t1, t2 = tree["townships"]
    check = services_map.township_outlines_check(actor=None, data=geojson(
        feature(polygon(), adcode=int(code(t1)[:9])), feature(polygon(119.1), 名称=t2.name)))

    assert [row.township for row in check.rows] == [t1, t2] and check.ok


def test_an_open_ring_is_closed(tree):
    t1 = tree["townships"][0]
    ring = square(118.9, 39.4)[:-1]
    check = services_map.township_outlines_check(actor=None, data=geojson(
        feature({"type": "Polygon", "coordinates": [ring]}, code=code(t1))))

    stored = check.rows[0].feature.geometry["coordinates"][0][0]
    assert check.ok and stored[0] == stored[-1] and len(stored) == 5


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe not json", "could not be read as JSON"),
    (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": []}', "has no features"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": NaN}}]}',
     "could not be read as JSON"),
    (b"[" * 100_000, "could not be read as JSON"),
])
def test_a_file_that_is_not_a_feature_collection_is_refused_whole(tree, data, message):
    with pytest.raises(ValidationError) as refused:
        services_map.township_outlines_check(actor=None, data=data)

    assert message in " ".join(refused.value.message_dict["file"])


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tree, monkeypatch):
    monkeypatch.setattr(geo, "MAX_BYTES", 100)

    with pytest.raises(ValidationError) as refused:
        services_map.township_outlines_check(actor=None, data=two_townships_file(tree))

    assert "larger than" in refused.value.message_dict["file"][0]


def test_a_file_with_too_many_points_is_refused_whole(tree, monkeypatch):
    monkeypatch.setattr(geo, "MAX_POSITIONS", 6)

    with pytest.raises(ValidationError) as refused:
        services_map.township_outlines_check(actor=None, data=two_townships_file(tree))

    assert "more than 6 points" in refused.value.message_dict["file"][0]


@pytest.mark.parametrize("geometry, message", [
    ({"type": "Point", "coordinates": [118.9, 39.4]}, "geometry is a Point"),
    ({"type": "LineString", "coordinates": [[118.9, 39.4], [119, 39.5]]}, "geometry is a LineString"),
    (None, "no geometry"),
    ({"type": "Polygon", "coordinates": [[[39.4, 118.9], [39.5, 118.9], [39.5, 119.0], [39.4, 118.9]]]},
     "longitude first"),  # latitude and longitude swapped
    ({"type": "Polygon", "coordinates": [[[118.9, 39.4], [119, 39.4], [118.9, 39.4]]]}, "fewer than three"),
    ({"type": "Polygon", "coordinates": [[["118.9", "39.4"], [119, 39.4], [119, 39.5], [118.9, 39.4]]]},
     "not [longitude, latitude]"),
    ({"type": "Polygon", "coordinates": [[[True, 39.4], [119, 39.4], [119, 39.5], [118.9, 39.4]]]},
     "not [longitude, latitude]"),
    ({"type": "MultiPolygon", "coordinates": []}, "no coordinates"),
])
def test_a_feature_that_is_not_a_township_outline_is_refused_with_its_reason(tree, geometry, message):
    check = services_map.township_outlines_check(actor=None, data=geojson(
        feature(geometry, code=code(tree["townships"][0]))))

    row = check.rows[0]
    assert not check.ok and row.outcome == services_map.REFUSED
    assert message in " ".join(row.problems)


def test_a_feature_must_name_a_township_the_user_may_outline_once(tree, county_admin):
    other_county = county_tree(townships=1)["townships"][0]
    t1, t2 = tree["townships"]
    twin = Region.objects.get(pk=t2.pk)
    twin.name = t1.name  # two townships of the county with the same name
    twin.save()

    check = services_map.township_outlines_check(actor=county_admin, data=geojson(
        feature(polygon(), code=code(other_county)),     # another county's
        feature(polygon(), code="999999999999"),          # nobody's
        feature(polygon(), code="12345"),                 # not a division code
        feature(polygon(), name="没有这个镇"),
        feature(polygon(), name=t1.name),                 # ambiguous
        feature(polygon()),                               # nothing
        feature(polygon(), code=code(t1)),
        feature(polygon(119.2), code=code(t1)),           # twice
    ))

    problems = [" ".join(row.problems) for row in check.rows]
    assert "No township with the code" in problems[0] and "No township with the code" in problems[1]
    assert "is not a division code" in problems[2]
    assert "No township named 没有这个镇" in problems[3]
    assert "Several townships are named" in problems[4]
    assert "neither a division code" in problems[5]
    assert problems[6] == ""
    assert "outlined already by feature 7" in problems[7]
    assert check.counts == {"added": 1, "changed": 0, "unchanged": 0, "refused": 7}


def test_one_refused_feature_and_nothing_is_saved(tree, county_admin):
    t1, t2 = tree["townships"]
    data = geojson(feature(polygon(), code=code(t1)), feature({"type": "Point", "coordinates": [1, 2]}, code=code(t2)))

    with pytest.raises(ValidationError) as refused:
        services_map.township_outlines_save(actor=county_admin, data=data)

    assert "nothing was saved" in refused.value.message_dict["file"][0]
    assert Region.objects.get(pk=t1.pk).boundary == [] and not outline_events().exists()


def test_a_failure_while_saving_leaves_no_outline_half_saved(tree, county_admin, monkeypatch):
    calls = []

    def audit_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return AuditEvent.objects.none()

    monkeypatch.setattr(services_map, "audit_event_record", audit_then_fail)

    with pytest.raises(RuntimeError):
        services_map.township_outlines_save(actor=county_admin, data=two_townships_file(tree))

    assert len(calls) == 2
    assert list(Region.objects.filter(level="township").values_list("boundary", flat=True)) == [[], []]


def test_only_a_county_admin_outlines_and_only_their_county(tree, county_admin, township_admin, superuser):
    other = county_tree(townships=1)["townships"][0]

    assert set(outline_townships(user=county_admin)) == set(tree["townships"])
    assert list(outline_townships(user=township_admin)) == []  # their own township is set from above
    assert other in outline_townships(user=superuser)
    check = services_map.township_outlines_check(actor=township_admin, data=two_townships_file(tree))
    assert check.counts["refused"] == 2


# --- light outlines ------------------------------------------------------------------------------------

def circle(points: int, lng=118.9, lat=39.4, radius=.05) -> list:
    ring = [[lng + radius * math.cos(2 * math.pi * i / points) * (1 + .1 * math.sin(9 * 2 * math.pi * i / points)),
             lat + radius * math.sin(2 * math.pi * i / points)] for i in range(points)]
    return [*ring, ring[0]]


def test_a_surveyed_outline_is_thinned_to_the_budget_keeping_its_shape():
    ring = circle(5000)
    kept = geo.simplified([[ring]])

    stored = kept[0][0]
    assert geo.count_points(kept) <= geo.OUTLINE_POINTS
    assert stored[0] == ring[0] and stored[-1] == ring[-1]
    assert all(point in ring for point in stored)
    # The extremes of the shape survive: its extent is within a few metres of the original.
    assert max(x for x, _ in stored) == pytest.approx(max(x for x, _ in ring), abs=5e-4)
    assert min(y for _, y in stored) == pytest.approx(min(y for _, y in ring), abs=5e-4)
    assert geo.simplified(kept) == kept  # thinning what was thinned changes nothing


def test_an_outline_within_the_budget_is_kept_as_it_is():
    polygons = [[circle(40)], [circle(30, lng=119.2)]]

    assert geo.simplified(polygons) == polygons


def test_every_ring_keeps_a_triangle_and_only_the_largest_parts_are_kept():
    islands = [[circle(100, lng=118 + i * .01, radius=.001 * (i + 1))] for i in range(geo.MAX_PARTS + 5)]

    kept = geo.simplified(islands, budget=10)

    assert len(kept) == geo.MAX_PARTS
    assert all(len(polygon[0]) >= 4 for polygon in kept)
    assert [polygon[0][0] for polygon in kept] == [island[0][0] for island in islands[5:]]  # the largest, in order


def test_the_first_stored_form_a_bare_ring_is_still_read(tree):
    township = tree["townships"][0]
    township.boundary = [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5]]
    township.save()

    row = next(r for r in public_region_list(level="township") if r["code"] == township.code)

    assert row["boundary"] == [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5]]
    assert row["geometry"] == {"type": "MultiPolygon", "coordinates": [[row["boundary"]]]}


def test_the_api_gives_the_largest_ring_and_the_whole_outline(client, tree):
    services_map.township_outlines_save(actor=None, data=two_townships_file(tree))

    rows = client.get("/api/regions/", {"level": "township"}).json()

    second = next(r for r in rows if r["code"] == tree["townships"][1].code)
    assert second["boundary"][0] == [119.05, 39.35]  # the larger of its two polygons
    assert len(second["geometry"]["coordinates"]) == 2
