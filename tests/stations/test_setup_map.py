"""The county map: township outlines uploaded as GeoJSON (checked, scoped, saved all or nothing,
idempotent), light enough for a slow line; a station's position picked on the map; the one map component
on the county home, the public directory and the picker."""

import json
import math
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core.csp import url_source
from core.models import AuditEvent
from stations import geo, services_map
from stations.models import Region
from stations.regions import codes
from stations.selectors import public_region_list
from stations.selectors_map import outline_townships
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory, county_tree

pytestmark = pytest.mark.django_db

OUTLINES_URL = "/county/regions/outlines/"


@pytest.fixture(autouse=True)
def _english():
    """Services' messages are asserted by their English msgids; the pages' tests ask for zh-hans."""
    with translation.override("en"):
        yield


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


# --- the pages -------------------------------------------------------------------------------------------

def zh(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def map_data(html: str) -> dict:
    return json.loads(html.split('id="cz-map-data" type="application/json">')[1].split("</script>")[0])


def test_the_outline_page_checks_then_saves(client, tree, county_admin):
    zh(client, county_admin)
    upload = two_townships_file(tree)

    page = client.post(OUTLINES_URL, {"file": SimpleUploadedFile("乡镇.geojson", upload)})

    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-outcome="added"') == 2
    assert "保存这些边界" in html  # the save button
    assert Region.objects.exclude(boundary=[]).count() == 0
    sent = page.context["save_form"].initial["geojson"]

    saved = client.post(OUTLINES_URL, {"geojson": sent})

    assert saved.status_code == 302 and saved.url == OUTLINES_URL
    assert Region.objects.filter(level="township").exclude(boundary=[]).count() == 2
    followed = client.get(OUTLINES_URL).content.decode()
    assert "边界已保存" in followed and "cz-map-data" in followed


def test_the_outline_page_refuses_a_bad_file_in_chinese_and_saves_nothing(client, tree, county_admin):
    zh(client, county_admin)

    page = client.post(OUTLINES_URL, {"file": SimpleUploadedFile("x.geojson", b"<kml/>")})

    assert page.status_code == 422
    assert "无法作为 JSON" in page.content.decode()
    refused = client.post(OUTLINES_URL, {"file": SimpleUploadedFile("x.geojson", geojson(
        feature(polygon(), code="999999999999")))})
    assert refused.status_code == 200 and 'data-outcome="refused"' in refused.content.decode()
    assert "保存这些边界" not in refused.content.decode()
    assert Region.objects.exclude(boundary=[]).count() == 0


def test_a_forged_save_is_checked_again(client, tree, county_admin):
    other = county_tree(townships=1)["townships"][0]
    zh(client, county_admin)

    response = client.post(OUTLINES_URL, {"geojson": geojson(feature(polygon(), code=code(other))).decode()})

    assert response.status_code == 302
    assert Region.objects.get(pk=other.pk).boundary == []


def test_township_admins_may_not_open_the_outline_page(client, township_admin):
    assert zh(client, township_admin).get(OUTLINES_URL).status_code == 403


def test_the_county_home_shows_the_map_with_stations_at_their_positions(client, tree, county_admin):
    services_map.township_outlines_save(actor=None, data=two_townships_file(tree))
    placed = StationFactory(village=tree["villages"][0], latitude=Decimal("39.41"), longitude=Decimal("118.91"))
    StationFactory(village=tree["villages"][1], status="building")  # no position yet

    page = zh(client, county_admin).get("/county/")

    html = page.content.decode()
    data = map_data(html)
    assert [f["properties"]["code"] for f in data["townships"]["features"]] == [t.code for t in tree["townships"]]
    assert data["points"] == [{"code": placed.code, "name": placed.name, "status": "open", "status_label": "运营中",
                               "url": f"/county/stations/{placed.pk}/", "lat": 39.41, "lng": 118.91}]
    assert data["unplaced"] == 1 and data["tiles"] is None
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/cunzhan/js/station-map.js" in html
    assert reverse("stations:township-outlines") in html  # the set-up link


def test_names_in_the_map_data_cannot_end_its_script_element(client, tree, county_admin):
    name = '服务站</script><script>alert("x")</script>&'
    StationFactory(village=tree["villages"][0], name=name, latitude=Decimal("39.4"), longitude=Decimal("118.9"))

    html = zh(client, county_admin).get("/county/").content.decode()

    assert "<script>alert" not in html
    assert map_data(html)["points"][0]["name"] == name


def test_leaflet_is_loaded_only_by_the_pages_with_a_map(client, tree, county_admin):
    html = zh(client, county_admin).get("/county/stations/").content.decode()

    assert "leaflet" not in html


def test_a_tile_layer_is_drawn_only_when_one_is_configured(client, tree, county_admin, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.county.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "县测绘院"

    html = zh(client, county_admin).get("/county/").content.decode()

    assert map_data(html)["tiles"] == {"url": "https://{s}.tiles.county.example/{z}/{x}/{y}.png",
                                       "attribution": "县测绘院"}
    assert url_source(settings.MAP_TILE_URL) == "https://*.tiles.county.example"
    assert url_source("file:///srv/tiles/{z}.png") is None


def test_the_public_directory_uses_the_same_map(client, tree):
    services_map.township_outlines_save(actor=None, data=two_townships_file(tree))
    station = StationFactory(village=tree["villages"][2], latitude=Decimal("39.4"), longitude=Decimal("119.1"))
    township = tree["townships"][1]

    html = client.get("/stations/", {"township": township.code}).content.decode()

    data = map_data(html)
    assert [f["properties"]["selected"] for f in data["townships"]["features"]] == [False, True]
    assert data["points"][0]["url"] == f"#station-{station.code}"
    assert f'id="station-{station.code}"' in html


# --- a station's position --------------------------------------------------------------------------------

def location_url(station) -> str:
    return reverse("stations:station-location", args=[station.pk])


def test_a_station_is_put_where_the_map_was_clicked(client, tree, county_admin):
    station = StationFactory(village=tree["villages"][0])
    zh(client, county_admin)

    page = client.get(location_url(station))
    assert page.status_code == 200 and map_data(page.content.decode())["mode"] == "pick"
    assert 'id="id_latitude"' in page.content.decode()

    response = client.post(location_url(station), {"latitude": "39.412345", "longitude": "118.912345"})

    assert response.status_code == 302
    station.refresh_from_db()
    assert (station.latitude, station.longitude) == (Decimal("39.412345"), Decimal("118.912345"))
    event = AuditEvent.objects.get(action="station.updated", target_id=str(station.pk))
    assert event.data["changes"]["latitude"] == [None, "39.412345"] and event.actor == county_admin
    again = client.post(location_url(station), {"latitude": "39.412345", "longitude": "118.912345"})
    assert again.status_code == 302 and AuditEvent.objects.filter(action="station.updated").count() == 1


def test_half_a_position_is_refused_in_chinese_and_the_form_keeps_what_was_typed(client, tree, county_admin):
    station = StationFactory(village=tree["villages"][0])

    response = zh(client, county_admin).post(location_url(station), {"latitude": "39.41", "longitude": ""})

    html = response.content.decode()
    assert response.status_code == 422 and 'value="39.41"' in html
    assert "经度和纬度" in html or "纬度和经度" in html
    station.refresh_from_db()
    assert station.latitude is None


def test_a_station_position_is_set_only_by_its_region_admins(client, tree, township_admin, operator, station,
                                                             other_station):
    zh(client, township_admin)

    assert client.get(location_url(station)).status_code == 200
    assert client.post(location_url(other_station), {"latitude": "39", "longitude": "118"}).status_code == 404
    other_station.refresh_from_db()
    assert other_station.latitude is None
    client.force_login(operator)
    assert client.get(location_url(station)).status_code == 403


def test_another_countys_station_is_not_found(client, tree, county_admin):
    elsewhere = StationFactory(village=county_tree(townships=1, villages_per_township=1)["villages"][0])

    assert zh(client, county_admin).get(location_url(elsewhere)).status_code == 404


def test_a_township_admin_sees_the_position_link_on_their_station(client, tree, station):
    user = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
    StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][0])

    html = zh(client, user).get(reverse("stations:station-detail", args=[station.pk])).content.decode()

    assert location_url(station) in html


# --- the demo county -------------------------------------------------------------------------------------

def inside(point, ring) -> bool:
    x, y = point
    crossings = [(y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                 for (x1, y1), (x2, y2) in pairwise(ring)]
    return sum(crossings) % 2 == 1


def test_the_demo_uploads_its_outlines_and_every_village_lies_in_its_own_township():
    from demo.seeding.county import OUTLINES, seed_regions
    from demo.seeding.imports import demo_file

    class Quiet:
        def step(self, _label):
            pass

    demo = seed_regions(Quiet())

    rings = {t.pk: geo.outer_ring(Region.objects.get(pk=t.pk).boundary) for t in demo.townships}
    assert all(len(ring) > 50 for ring in rings.values())
    for township in demo.townships:
        for village in township.get_children():
            point = (float(village.longitude), float(village.latitude))
            assert [pk for pk, ring in rings.items() if inside(point, ring)] == [township.pk], village.name
    again = services_map.township_outlines_check(actor=None, data=demo_file(OUTLINES))
    assert again.counts["unchanged"] == len(demo.townships)
