"""The county map on the pages: the outline upload page, the one map component on the county home, the
public directory and the picker; a station's position picked on the map; the demo county's outlines."""

import json
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from core.csp import url_source
from core.models import AuditEvent
from stations import geo, services_map
from stations.models import Region
from tests.factories import StationFactory, county_tree, staff_user
from tests.stations.map_files import code, feature, geojson, polygon, two_townships_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

OUTLINES_URL = "/county/regions/outlines/"


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
    user = staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][0])

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
