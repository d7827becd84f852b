"""The JSON API: the public station directory and the API docs page."""

import re

import pytest

from stations.selectors import public_region_list
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = {"code", "name", "village", "township", "tier", "status", "address", "phone", "opening_hours",
          "latitude", "longitude", "services"}


@pytest.fixture
def directory(tree):
    open_one = StationFactory(village=tree["villages"][0], status="open", services=["cash", "gov_errands"],
                              phone="0731-88880000", opening_hours="周一至周六 8:00–18:00",
                              latitude="28.123456", longitude="113.654321")
    planned = StationFactory(village=tree["villages"][3], status="planned")
    staff = UserFactory(full_name="李站长", phone="13912345678", email="lizhanzhang@example.cn")
    StaffAssignmentFactory(user=staff, role="operator", station=open_one)
    return {"open": open_one, "planned": planned, "staff": staff}


def test_station_directory_lists_every_station_with_the_documented_fields(client, directory, tree):
    response = client.get("/api/stations/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    rows = response.json()
    assert [r["code"] for r in rows] == [directory["open"].code, directory["planned"].code]
    first = rows[0]
    assert set(first) == FIELDS
    assert first["village"] == tree["villages"][0].name
    assert first["township"] == tree["townships"][0].name
    assert (first["status"], first["tier"], first["phone"]) == ("open", "standard", "0731-88880000")
    assert sorted(first["services"]) == ["cash", "gov_errands"]
    assert first["latitude"] is not None and float(first["latitude"]) == pytest.approx(28.123456)
    assert rows[1]["latitude"] is None and rows[1]["services"] == []


def test_station_directory_carries_no_personal_data(client, directory):
    body = client.get("/api/stations/").content.decode()
    staff = directory["staff"]
    for personal in (staff.full_name, staff.phone, staff.email, staff.username):
        assert personal not in body


def test_station_directory_filters_by_township_code(client, directory, tree):
    rows = client.get("/api/stations/", {"township": tree["townships"][1].code}).json()
    assert [r["code"] for r in rows] == [directory["planned"].code]


def test_station_directory_with_an_unknown_township_is_an_empty_list(client, directory):
    response = client.get("/api/stations/", {"township": "999999999"})
    assert response.status_code == 200
    assert response.json() == []


def test_station_directory_filters_by_status(client, directory):
    rows = client.get("/api/stations/", {"status": "planned"}).json()
    assert [r["code"] for r in rows] == [directory["planned"].code]


def test_station_directory_needs_no_sign_in_and_refuses_writes(client, directory):
    assert client.get("/api/stations/").status_code == 200
    assert client.post("/api/stations/", {}).status_code == 405


def test_api_docs_page_loads_only_local_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert assets, "the docs page should load Swagger UI's script and stylesheet"
    for url in assets:
        assert "cdn" not in url.lower() and "://" not in url and not url.startswith("//"), url


def test_openapi_schema_describes_the_station_directory(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/stations/" in schema["paths"]
    station_out = schema["components"]["schemas"]["StationOut"]
    assert set(station_out["properties"]) == FIELDS


def test_region_api_lists_the_tree_with_parent_codes_and_outlines(client, tree, django_assert_num_queries):
    township = tree["townships"][0]
    township.boundary = [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5]]
    township.save()
    with django_assert_num_queries(2):
        public_region_list(level="township")
    rows = client.get("/api/regions/", {"level": "township"}).json()
    assert [r["code"] for r in rows] == [t.code for t in tree["townships"]]
    assert rows[0]["parent"] == tree["county"].code
    assert rows[0]["boundary"] == [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5]]


def test_region_api_narrows_to_a_subtree_and_an_unknown_code_gives_nothing(client, tree):
    rows = client.get("/api/regions/", {"within": tree["townships"][1].code}).json()
    assert {r["code"] for r in rows} == {tree["townships"][1].code} | {
        v.code for v in tree["villages"] if v.path.startswith(tree["townships"][1].path)}
    assert client.get("/api/regions/", {"within": "999999"}).json() == []


@pytest.mark.parametrize("query", ["status=%00", "township=a%00b", "level=%00"])
def test_a_nul_character_in_a_filter_is_refused_with_400_naming_it_not_a_server_error(client, directory, query):
    path = "/api/regions/" if query.startswith("level") else "/api/stations/"
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "无法处理的字符" in response.json()["message"] and query.split("=")[0] in response.json()["errors"]
