"""A new station's position picked on the county map in the station form: a click or a dragged
marker fills the latitude and longitude, typed degrees move the marker; township outlines only, no tiles, no
request leaves the site; usable on a 375 px phone; without JavaScript the form is its two inputs."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from stations.models import Station
from stations.services_map import township_outlines_save
from tests.e2e.conftest import PASSWORD, TIMEOUT_MS
from tests.e2e.helpers import assert_ok, path_of
from tests.e2e.test_station_map import PHONE, outlines_file

pytestmark = pytest.mark.e2e

NEW = "/county/stations/new/"


def marker_at(page) -> dict:
    """Where the picker's marker is on the screen, once the map has stopped moving."""
    marker = page.locator(".cz-map--pick .leaflet-marker-icon.cz-map__marker--pick")
    expect(marker).to_have_count(1)
    box = None
    while box != (box := marker.bounding_box()):
        page.wait_for_timeout(150)
    return box


def degrees(page) -> tuple[float, float]:
    return float(page.locator("#id_latitude").input_value()), float(page.locator("#id_longitude").input_value())


def test_a_new_stations_position_is_clicked_typed_and_dragged_on_the_map(page, shot, sign_in, tree, county_admin):
    township_outlines_save(actor=None, data=outlines_file(tree))
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(county_admin)

    assert_ok(page.goto(NEW), "new station form")
    canvas = page.locator(".cz-map--pick .leaflet-container")
    expect(canvas.locator("svg path.cz-map__area")).to_have_count(2)
    expect(page.locator(".cz-map--pick .leaflet-tile")).to_have_count(0)  # outlines only
    expect(canvas.locator(".cz-map__marker--pick")).to_have_count(0)  # no position yet

    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    clicked = degrees(page)
    assert 39.3 < clicked[0] < 39.5 and 118.8 < clicked[1] < 119.2  # inside the two townships
    before = marker_at(page)

    page.locator("#id_latitude").fill("39.43")
    page.locator("#id_longitude").fill("119.02")
    typed = marker_at(page)
    assert typed["x"] > before["x"] and typed["y"] < before["y"]  # east and north: right and up

    page.mouse.move(typed["x"] + typed["width"] / 2, typed["y"] + typed["height"] / 2)
    page.mouse.down()
    page.mouse.move(typed["x"] - 80, typed["y"] + 60, steps=8)
    page.mouse.up()
    dragged = degrees(page)
    assert dragged[0] < 39.43 and dragged[1] < 119.02  # south and west of what was typed
    shot("01-desktop")

    page.set_viewport_size(PHONE)
    expect(canvas).to_be_visible()
    phone = canvas.bounding_box()
    assert phone["width"] <= PHONE["width"] and phone["height"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    canvas.scroll_into_view_if_needed()
    canvas.click(position={"x": phone["width"] / 2 + 24, "y": phone["height"] / 2 + 24})  # beside the centre
    tapped = degrees(page)
    assert tapped != dragged and 39.3 < tapped[0] < 39.5 and 118.8 < tapped[1] < 119.1
    shot("02-phone")

    form = page.locator("form:has(#id_latitude)")
    form.locator("#id_code").fill("PICK01")
    form.locator("#id_name").fill("地图选点服务站")
    form.locator("#id_village").select_option(str(tree["villages"][0].pk))
    form.locator("#id_address").fill("村委会一楼")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    station = Station.objects.get(code="PICK01")
    assert path_of(page) == f"/county/stations/{station.pk}/"
    assert (station.latitude, station.longitude) == (Decimal(f"{tapped[0]:.6f}"), Decimal(f"{tapped[1]:.6f}"))
    assert errors == [] and outside == [], (errors, outside)


def test_without_javascript_the_form_is_its_two_inputs(browser, live_server, artifacts_dir, tree, county_admin):
    township_outlines_save(actor=None, data=outlines_file(tree))
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False,
                                  viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/login/")
        page.locator("input[name='username']").fill(county_admin.username)
        page.locator("input[name='password']").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(input[name='username']) [type=submit]").first.click()

        assert_ok(page.goto(NEW), "new station form")
        expect(page.locator(".cz-map__canvas")).to_be_hidden()
        expect(page.locator(".cz-map__hint").first).to_be_hidden()
        expect(page.locator("#id_latitude")).to_be_visible()
        expect(page.locator("#id_longitude")).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "station-picker-no-javascript-phone.png"), full_page=True)

        form = page.locator("form:has(#id_latitude)")
        form.locator("#id_code").fill("TYPE01")
        form.locator("#id_name").fill("手填位置服务站")
        form.locator("#id_village").select_option(str(tree["villages"][0].pk))
        form.locator("#id_address").fill("村委会一楼")
        form.locator("#id_latitude").fill("39.9")  # north of the county
        form.locator("#id_longitude").fill("118.9")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator(".cz-error-summary")).to_contain_text("纬度 39.9 在测试县之外")
        expect(page.locator("#id_latitude")).to_have_value("39.9")
        assert not Station.objects.filter(code="TYPE01").exists()
    finally:
        context.close()
