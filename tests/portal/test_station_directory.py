"""The public station directory and its map (/stations/), which needs no internet."""

import json
from decimal import Decimal

import pytest

from stations.models import Station
from tests.factories import ServiceItemFactory, StationFactory, region

URL = "/stations/"


@pytest.fixture
def network(tree):
    """Two townships with outlines; an open station offering errands, a station under construction,
    an open one without errands, and one with no coordinates."""
    for index, township in enumerate(tree["townships"]):
        lng, lat = 118.9 + index * 0.2, 39.4
        township.boundary = [[lng - .05, lat - .05], [lng + .05, lat - .05], [lng + .05, lat + .05], [lng - .05, lat + .05]]
        township.latitude, township.longitude = Decimal(str(lat)), Decimal(str(lng))
        township.save()
    v1, v2, v3, v4 = tree["villages"]
    return {
        "open": StationFactory(village=v1, name="城关村服务站", services=["gov_errands", "cash"],
                               latitude=Decimal("39.41"), longitude=Decimal("118.91"), phone="0315-4610001",
                               opening_hours="周一至周六 8:00–18:00"),
        "building": StationFactory(village=v2, name="西关村服务站", status=Station.Status.BUILDING,
                                   latitude=Decimal("39.39"), longitude=Decimal("118.89")),
        "shop_only": StationFactory(village=v3, name="汤家河村服务站", services=["shop_pickup"],
                                    latitude=Decimal("39.40"), longitude=Decimal("119.10")),
        "nowhere": StationFactory(village=v4, name="北港村服务站", services=["gov_errands"]),
    }


def test_directory_lists_every_station_with_hours_phone_services_and_status(client, network):
    html = client.get(URL).content.decode()

    for station in network.values():
        assert station.name in html
    assert "0315-4610001" in html and "周一至周六 8:00–18:00" in html
    assert 'cz-status--building' in html


def test_map_draws_township_outlines_and_a_marker_per_located_station_by_status(client, network):
    html = client.get(URL).content.decode()
    data = json.loads(html.split('id="cz-map-data" type="application/json">')[1].split("</script>")[0])

    assert len(data["townships"]["features"]) == 2
    points = {point["code"]: point for point in data["points"]}
    assert points[network["open"].code]["url"] == f"#station-{network['open'].code}"
    assert points[network["building"].code]["status"] == "building" and points[network["open"].code]["status"] == "open"
    assert network["nowhere"].code not in points and data["unplaced"] == 1  # no coordinates: listed only
    assert f'id="station-{network["nowhere"].code}"' in html
    assert data["tiles"] is None  # nothing fetched from outside unless a tile server is configured
    assert "/static/vendor/leaflet/leaflet.js" in html


def test_filter_by_township(client, network, tree):
    html = client.get(URL, {"township": tree["townships"][1].code}).content.decode()

    assert network["shop_only"].name in html and network["nowhere"].name in html
    assert network["open"].name not in html


def test_filter_by_service(client, network):
    html = client.get(URL, {"service": "cash"}).content.decode()

    assert network["open"].name in html
    assert network["shop_only"].name not in html and network["building"].name not in html


def test_unknown_filters_show_nothing_rather_than_failing(client, network):
    response = client.get(URL, {"township": "999999999", "service": "rockets"})

    assert response.status_code == 200
    assert network["open"].name not in response.content.decode()


def test_from_a_guide_only_open_stations_that_accept_the_item_are_listed(client, network, department):
    ServiceItemFactory(department=department, code="VIL-1", name="户籍证明", lowest_level="village")

    html = client.get(URL, {"item": "VIL-1"}).content.decode()

    assert network["open"].name in html and network["nowhere"].name in html
    assert network["building"].name not in html and network["shop_only"].name not in html


def test_from_a_guide_for_a_county_item_no_station_is_offered(client, network, department):
    ServiceItemFactory(department=department, code="CY-9", name="结婚登记", lowest_level="county")

    html = client.get(URL, {"item": "CY-9"}).content.decode()

    assert network["open"].name not in html
    assert "结婚登记" in html


def test_a_community_item_is_offered_only_at_community_stations(client, tree, department):
    community = region("community", tree["townships"][0], name="南街社区")
    at_community = StationFactory(village=community, name="南街社区服务站", services=["gov_errands"])
    at_village = StationFactory(village=tree["villages"][0], name="城关村服务站", services=["gov_errands"])
    ServiceItemFactory(department=department, code="CM-1", name="社区证明", lowest_level="community")

    html = client.get(URL, {"item": "CM-1"}).content.decode()

    assert at_community.name in html and at_village.name not in html


def test_directory_takes_a_fixed_number_of_queries(client, network, django_assert_max_num_queries):
    for index in range(10):
        StationFactory(village=network["open"].village, name=f"加站{index}", services=["cash", "parcels"])
    with django_assert_max_num_queries(10):  # stations, services, townships ×3, portal links ×2, savepoints
        client.get(URL)
