"""A station's position: picked on the county map in the station form, typed, or imported, and
refused on the server when it lies outside the county (the box of its township outlines, once every township
is outlined) or, before the outlines are uploaded, outside China — in Chinese, keeping what was typed."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from stations import geo, services, services_map
from stations.models import Station
from stations.regions import codes
from stations.selectors_map import position_area
from stations.station_import import station_import
from tests.factories import StationFactory

pytestmark = pytest.mark.django_db


def square(lng: float, lat: float, half: float = 0.05) -> list:
    return [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half],
            [lng - half, lat - half]]


def outline(townships) -> None:
    """Outline `townships` side by side: 118.85–118.95, 119.05–119.15 … east, latitude 39.35–39.45."""
    services_map.township_outlines_save(actor=None, data=json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": codes.canonical(t.code)},
         "geometry": {"type": "Polygon", "coordinates": [square(118.9 + 0.2 * i, 39.4)]}}
        for i, t in enumerate(townships)]}).encode())


def form_data(village, **extra) -> dict:
    return {"code": "WEB001", "name": "网页服务站", "village": village.pk, "tier": "basic", "status": "planned",
            "address": "村委会一楼", "opening_hours": "", "phone": "", "services": ["gov_errands"],
            "latitude": "39.41", "longitude": "118.91", "opened_on": "", **extra}


def map_data(html: str) -> dict:
    return json.loads(html.split('id="cz-map-data" type="application/json">')[1].split("</script>")[0])


# --- the rule ----------------------------------------------------------------------------------------------

def test_without_outlines_a_position_must_lie_in_china():
    assert geo.position_problems(Decimal("39.41"), Decimal("118.91"), geo.CHINA) == {}
    assert geo.position_problems(18.2, 109.5, geo.CHINA) == {}  # Sanya
    problems = geo.position_problems(Decimal("-39.41"), Decimal("118.91"), geo.CHINA)
    assert set(problems) == {"latitude"}
    problems = geo.position_problems(39.41, 18.91, geo.CHINA)  # a digit lost
    assert set(problems) == {"longitude"}


def test_swapped_degrees_are_named_as_such():
    problems = geo.position_problems(118.91, 39.41, geo.CHINA)

    assert set(problems) == {"latitude", "longitude", "__all__"}
    assert "颠倒" in problems["__all__"][0]


def test_a_countys_area_is_the_box_of_its_outlines_with_a_margin():
    area = geo.outlined_area([[[square(118.9, 39.4)]], [[square(119.1, 39.4)]]], "测试县")

    assert (area.south, area.west, area.north, area.east) == pytest.approx((39.33, 118.83, 39.47, 119.17))
    assert geo.position_problems(39.46, 119.16, area) == {}  # past the outline, within the margin
    problems = geo.position_problems(39.48, 119.0, area)
    assert set(problems) == {"latitude"} and "测试县" in problems["latitude"][0]
    assert geo.outlined_area([[], []], "测试县") is None


def test_the_county_box_applies_only_once_every_township_is_outlined(tree):
    county = tree["county"]
    assert position_area(county=county) == geo.CHINA

    outline(tree["townships"][:1])
    assert position_area(county=county) == geo.CHINA  # half outlined: the rest would be refused

    outline(tree["townships"])
    area = position_area(county=county)
    assert area.place == county.name and area.west == pytest.approx(118.83)


# --- the services ------------------------------------------------------------------------------------------

def test_a_station_outside_the_outlined_county_is_not_created(tree, county_admin):
    outline(tree["townships"])

    with pytest.raises(ValidationError) as refused:
        services.station_create(village=tree["villages"][0], code="OUT001", name="县外服务站", address="一楼",
                                actor=county_admin, latitude=Decimal("39.41"), longitude=Decimal("117.5"))

    assert set(refused.value.message_dict) == {"longitude"}
    assert not Station.objects.filter(code="OUT001").exists()
    station = services.station_create(village=tree["villages"][0], code="IN001", name="县内服务站", address="一楼",
                                      actor=county_admin, latitude=Decimal("39.41"), longitude=Decimal("119.12"))
    assert station.pk


def test_an_edit_checks_a_moved_position_but_keeps_one_saved_before_the_outlines(tree, county_admin):
    station = StationFactory(village=tree["villages"][0], latitude=Decimal("40.1"), longitude=Decimal("118.9"))
    outline(tree["townships"])

    assert services.station_update(station=station, actor=county_admin, name="改名服务站") == {"name": [
        station.name, "改名服务站"]}
    with pytest.raises(ValidationError) as refused:
        services.station_update(station=station, actor=county_admin, latitude=Decimal("40.2"))
    assert set(refused.value.message_dict) == {"latitude"}
    station.refresh_from_db()
    assert station.latitude == Decimal("40.1") and station.name == "改名服务站"


def test_the_location_page_refuses_a_position_outside_the_county_in_chinese(client, tree, county_admin):
    outline(tree["townships"])
    station = StationFactory(village=tree["villages"][0])
    client.force_login(county_admin)

    response = client.post(reverse("stations:station-location", args=[station.pk]),
                           {"latitude": "38.9", "longitude": "118.91"})

    html = response.content.decode()
    assert response.status_code == 422 and "在测试县之外" in html and 'value="38.9"' in html
    station.refresh_from_db()
    assert station.latitude is None and not AuditEvent.objects.filter(action="station.updated").exists()


# --- the station form ----------------------------------------------------------------------------------------

def test_the_new_station_form_carries_a_picker_map_of_the_admins_county(client, tree, county_admin):
    outline(tree["townships"])
    client.force_login(county_admin)

    html = client.get(reverse("stations:station-create")).content.decode()

    data = map_data(html)
    assert data["mode"] == "pick" and data["pick"]["inputs"] == ["id_latitude", "id_longitude"]
    assert [f["properties"]["code"] for f in data["townships"]["features"]] == [t.code for t in tree["townships"]]
    assert 'id="id_latitude"' in html and 'inputmode="decimal"' in html
    assert "/static/cunzhan/js/station-map.js" in html


def test_a_township_admins_picker_shows_their_township(client, tree, township_admin):
    outline(tree["townships"])
    client.force_login(township_admin)

    data = map_data(client.get(reverse("stations:station-create")).content.decode())

    assert [f["properties"]["code"] for f in data["townships"]["features"]] == [tree["townships"][0].code]


def test_the_picker_opens_on_the_regions_position_before_any_outline(client, tree, county_admin):
    tree["county"].latitude, tree["county"].longitude = Decimal("39.42"), Decimal("118.9")
    tree["county"].save()
    client.force_login(county_admin)

    data = map_data(client.get(reverse("stations:station-create")).content.decode())

    assert data["townships"]["features"] == [] and data["pick"]["centre"] == [39.42, 118.9]


def test_the_form_saves_the_position_picked(client, tree, county_admin):
    outline(tree["townships"])
    client.force_login(county_admin)

    response = client.post(reverse("stations:station-create"),
                           form_data(tree["villages"][0], latitude="39.412345", longitude="119.101234"))

    assert response.status_code == 302
    station = Station.objects.get(code="WEB001")
    assert (station.latitude, station.longitude) == (Decimal("39.412345"), Decimal("119.101234"))


def test_a_position_outside_the_county_is_refused_beside_its_field_and_the_form_keeps_what_was_typed(
        client, tree, county_admin):
    outline(tree["townships"])
    client.force_login(county_admin)

    response = client.post(reverse("stations:station-create"), form_data(tree["villages"][0], longitude="117.5"))

    html = response.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors["longitude"] == ["经度 117.5 在测试县之外：其乡镇边界的范围是 118.83 到 119.17。"]
    assert 'value="117.5"' in html and 'value="39.41"' in html and 'value="网页服务站"' in html
    assert not Station.objects.filter(code="WEB001").exists()


def test_a_position_outside_china_is_refused_while_no_outline_is_uploaded(client, tree, county_admin):
    client.force_login(county_admin)

    response = client.post(reverse("stations:station-create"),
                           form_data(tree["villages"][0], latitude="118.91", longitude="39.41"))

    assert response.status_code == 422 and "latitude" in response.context["form"].errors  # the form's -90…90
    response = client.post(reverse("stations:station-create"),
                           form_data(tree["villages"][0], latitude="80.5", longitude="39.41"))
    errors = response.context["form"].errors
    assert "在中国境外" in errors["latitude"][0] and "在中国境外" in errors["longitude"][0]
    assert any("颠倒" in message for message in errors["__all__"])
    assert not Station.objects.exists()


def test_the_edit_form_maps_the_stations_county_and_checks_a_moved_position(client, tree, township_admin, station):
    outline(tree["townships"])
    client.force_login(township_admin)
    url = reverse("stations:station-update", args=[station.pk])

    data = map_data(client.get(url).content.decode())
    assert len(data["townships"]["features"]) == 2

    posted = form_data(station.village, latitude="39.6")
    del posted["code"], posted["status"]
    response = client.post(url, posted)
    assert response.status_code == 422 and "纬度 39.6 在测试县之外" in response.content.decode()
    station.refresh_from_db()
    assert station.latitude is None


# --- the import -------------------------------------------------------------------------------------------------

def test_an_imported_row_outside_the_county_is_reported_and_nothing_is_written(tree, county_admin):
    outline(tree["townships"])
    village = tree["villages"][0]
    rows = (f"服务站编码,服务站名称,所在村,地址,等级,服务项目,纬度,经度\n"
            f"IMP001,县内站,{village.code},一楼,标准站,政务代办,39.41,118.91\n"
            f"IMP002,县外站,{village.code},一楼,标准站,政务代办,39.41,116.2\n")

    report = station_import(file=io.BytesIO(rows.encode()), filename="服务站.csv", actor=county_admin,
                            dry_run=False)

    assert not report.ok and not Station.objects.exists()
    problems = {(p.line, p.column): p.message for p in report.problems}
    assert list(problems) == [(3, "经度")] and "116.2" in problems[(3, "经度")]
