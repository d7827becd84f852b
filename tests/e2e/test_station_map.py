"""The county map in a real browser: a county admin uploads township outlines, sees the stations
by build status on the county home's map, puts a station where they click; the public directory draws the
same map. Leaflet comes from our own static files, and the pages' CSP reports no violation."""

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from stations.models import Station
from stations.regions import codes
from tests.e2e.helpers import assert_ok, path_of
from tests.factories import StationFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


def square(lng: float, lat: float, half: float = 0.05) -> list:
    return [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half],
            [lng - half, lat - half]]


def outlines_file(tree) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": codes.canonical(township.code), "name": township.name},
         "geometry": {"type": "Polygon", "coordinates": [square(118.9 + index * 0.1, 39.4)]}}
        for index, township in enumerate(tree["townships"])]}, ensure_ascii=False).encode()


@pytest.fixture
def watch(page):
    """Every CSP violation Chromium reports, every script error, every request that left the site."""
    problems, outside = [], []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    return {"problems": problems, "outside": outside}


@pytest.fixture
def stations(tree):
    """Two placed stations (open, under construction) and one with no position yet."""
    v1, v2, v3, _v4 = tree["villages"]
    return {
        "open": StationFactory(village=v1, name="城关村服务站", latitude=Decimal("39.41"), longitude=Decimal("118.91")),
        "building": StationFactory(village=v3, name="汤家河村服务站", status=Station.Status.BUILDING,
                                   latitude=Decimal("39.39"), longitude=Decimal("119.01")),
        "nowhere": StationFactory(village=v2, name="西关村服务站"),
    }


def map_drew(page, *, areas: int, markers: int) -> None:
    """The Leaflet container holds the township outlines (SVG paths) and the station markers."""
    container = page.locator(".cz-map__canvas.leaflet-container")
    expect(container).to_be_visible()
    expect(container.locator("svg path.cz-map__area")).to_have_count(areas)
    expect(container.locator(".leaflet-marker-icon.cz-map__marker")).to_have_count(markers)
    box = container.bounding_box()
    assert box["width"] > 300 and box["height"] > 200


def test_a_county_admin_uploads_outlines_and_sees_the_stations_on_the_county_map(page, shot, sign_in, watch, tree,
                                                                                 county_admin, stations, tmp_path):
    upload = tmp_path / "乡镇边界.geojson"
    upload.write_bytes(outlines_file(tree))
    sign_in(county_admin)

    assert_ok(page.goto("/county/"), "county home")
    page.locator("a[href='/county/regions/outlines/']").click()
    assert path_of(page) == "/county/regions/outlines/"
    page.locator("input[type=file][name=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    expect(page.locator("[data-outline-rows] tr[data-outcome='added']")).to_have_count(2)
    shot("01-checked")
    with page.expect_navigation():
        page.locator("form:has(input[name=geojson]) [type=submit]").click()
    expect(page.locator(".cz-alert--success, [role=status]").first).to_contain_text("边界已保存")
    map_drew(page, areas=2, markers=2)
    shot("02-saved")

    assert_ok(page.goto("/county/"), "county home")
    map_drew(page, areas=2, markers=2)
    expect(page.locator(".cz-map__label").first).to_contain_text(tree["townships"][0].name)
    page.locator(".leaflet-marker-icon.cz-map__marker--open").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("城关村服务站")
    expect(popup.locator(f"a[href='/county/stations/{stations['open'].pk}/']")).to_be_visible()
    shot("03-county-home")
    page.set_viewport_size(PHONE)
    page.reload()
    map_drew(page, areas=2, markers=2)
    shot("04-county-home-phone")

    assert watch["problems"] == [], watch["problems"]
    assert watch["outside"] == [], watch["outside"]


def test_the_public_directory_draws_the_same_map(page, shot, watch, tree, stations):
    from stations.services_map import township_outlines_save

    township_outlines_save(actor=None, data=outlines_file(tree))

    assert_ok(page.goto("/stations/"), "station directory")
    map_drew(page, areas=2, markers=2)
    expect(page.locator(".cz-map__legend")).to_contain_text("建设中 (1)")
    expect(page.locator(".cz-map")).to_contain_text("1 个服务站尚无位置")
    shot("01-directory")
    page.locator(".leaflet-marker-icon.cz-map__marker--building").click()
    page.locator(".leaflet-popup-content a").click()
    assert page.url.endswith(f"#station-{stations['building'].code}")

    assert_ok(page.goto(f"/stations/?township={tree['townships'][1].code}"), "one township")
    expect(page.locator("svg path.cz-map__area--selected")).to_have_count(1)
    page.set_viewport_size(PHONE)
    page.reload()
    map_drew(page, areas=2, markers=1)
    shot("02-directory-phone")

    assert watch["problems"] == [], watch["problems"]
    assert watch["outside"] == [], watch["outside"]


def test_a_station_is_put_where_the_admin_clicks(page, shot, sign_in, watch, tree, county_admin, stations):
    from stations.services_map import township_outlines_save

    township_outlines_save(actor=None, data=outlines_file(tree))
    station = stations["nowhere"]
    sign_in(county_admin)

    assert_ok(page.goto(f"/county/stations/{station.pk}/"), "station page")
    with page.expect_navigation():
        page.locator(f"a[href='/county/stations/{station.pk}/location/']").click()
    canvas = page.locator(".cz-map--pick .leaflet-container")
    expect(canvas.locator("svg path.cz-map__area")).to_have_count(2)
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    latitude, longitude = page.locator("#id_latitude"), page.locator("#id_longitude")
    expect(latitude).not_to_have_value("")
    expect(canvas.locator(".cz-map__marker--pick")).to_have_count(1)
    lat, lng = float(latitude.input_value()), float(longitude.input_value())
    assert 39.3 < lat < 39.5 and 118.8 < lng < 119.1  # inside the two townships' outlines
    shot("01-picked")
    page.set_viewport_size(PHONE)
    expect(canvas).to_be_visible()
    shot("02-picked-phone")
    with page.expect_navigation():
        page.locator("form:has(#id_latitude) button[type=submit]").click()
    assert path_of(page) == f"/county/stations/{station.pk}/"

    station.refresh_from_db()
    assert (float(station.latitude), float(station.longitude)) == (lat, lng)
    assert watch["problems"] == [], watch["problems"]
