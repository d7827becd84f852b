"""The counter and the county office over HTTP: who gets in, what they see, what it costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import GridFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNTER = "/counter/"
COUNTY = "/county/"
STATIONS = "/county/stations/"


def test_urls_are_where_the_design_says():
    assert reverse("stations:counter-home") == COUNTER
    assert reverse("stations:county-home") == COUNTY
    assert reverse("stations:station-list") == STATIONS
    assert reverse("stations:station-detail", kwargs={"pk": 7}) == "/county/stations/7/"


# --- the counter ----------------------------------------------------------------------------------


def test_operator_sees_their_own_station_at_the_counter_and_not_another(client, operator, station, other_station):
    GridFactory(station=station, name="东片网格")
    client.force_login(operator)
    response = client.get(COUNTER)
    assert response.status_code == 200
    assert response.context["station"] == station
    body = response.content.decode()
    assert station.name in body
    assert other_station.name not in body
    assert [g.name for g in response.context["grids"]] == ["东片网格"]


def test_liaison_gets_the_counter_of_their_station(client, liaison, station):
    client.force_login(liaison)
    response = client.get(COUNTER)
    assert response.status_code == 200
    assert response.context["station"] == station


@pytest.mark.parametrize("who", ["resident", "county_admin", "plain user"])
def test_counter_is_forbidden_without_a_station(client, request, who, tree):
    user = UserFactory() if who == "plain user" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(COUNTER).status_code == 403


def test_counter_sends_anonymous_visitors_to_login(client):
    response = client.get(COUNTER)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={COUNTER}"


# --- the county office ----------------------------------------------------------------------------


def test_county_admin_sees_the_township_summary(client, county_admin, tree):
    t0, t1 = tree["townships"]
    StationFactory(village=tree["villages"][0], status="open")
    StationFactory(village=tree["villages"][1], status="planned")
    StationFactory(village=tree["villages"][2], status="open")
    client.force_login(county_admin)
    response = client.get(COUNTY)
    assert response.status_code == 200
    assert response.context["region"] == tree["county"]
    summary = {row["township"]: (row["open"], row["planned"], row["total"]) for row in response.context["summary"]}
    assert summary == {t0: (1, 1, 2), t1: (1, 0, 1)}
    assert response.context["totals"] == {"planned": 1, "building": 0, "open": 2, "suspended": 0, "closed": 0,
                                                "total": 3}
    body = response.content.decode()
    assert t0.name in body and t1.name in body


def test_township_admin_sees_only_their_township_in_the_summary(client, township_admin, tree):
    StationFactory(village=tree["villages"][3])
    client.force_login(township_admin)
    response = client.get(COUNTY)
    assert response.status_code == 200
    assert [row["township"] for row in response.context["summary"]] == [tree["townships"][0]]
    assert response.context["totals"]["total"] == 0


def test_superuser_sees_the_city_summary(client, superuser, tree):
    client.force_login(superuser)
    response = client.get(COUNTY)
    assert response.status_code == 200
    assert response.context["region"] == tree["city"]


@pytest.mark.parametrize("who", ["operator", "resident", "officer"])
def test_county_office_is_forbidden_to_people_without_a_region(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(COUNTY).status_code == 403


def test_county_office_sends_anonymous_visitors_to_login(client):
    response = client.get(COUNTY)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- the station list and detail ------------------------------------------------------------------


def test_station_list_shows_a_township_admin_their_township_only(client, township_admin, station, other_station):
    client.force_login(township_admin)
    response = client.get(STATIONS)
    assert response.status_code == 200
    assert list(response.context["stations"]) == [station]
    body = response.content.decode()
    assert station.name in body and other_station.name not in body
    assert list(response.context["townships"]) == [station.village.get_parent()]


def test_station_list_filters_by_township_status_and_service(client, county_admin, tree):
    open_cash = StationFactory(village=tree["villages"][0], status="open", services=["cash"])
    planned = StationFactory(village=tree["villages"][1], status="planned", services=["parcels"])
    far_open = StationFactory(village=tree["villages"][3], status="open", services=["parcels"])
    client.force_login(county_admin)

    def listed(query):
        response = client.get(STATIONS, query)
        assert response.status_code == 200
        return list(response.context["stations"])

    assert listed({}) == [open_cash, planned, far_open]
    assert listed({"township": tree["townships"][0].pk}) == [open_cash, planned]
    assert listed({"status": "open"}) == [open_cash, far_open]
    assert listed({"service": "parcels"}) == [planned, far_open]
    assert listed({"township": tree["townships"][1].pk, "status": "open", "service": "parcels"}) == [far_open]
    assert listed({"township": "not-a-number"}) == [open_cash, planned, far_open]


@pytest.mark.parametrize("who", ["resident", "operator", "officer"])
def test_station_list_is_forbidden_to_anyone_but_township_and_county_admins(client, request, who, station):
    client.force_login(request.getfixturevalue(who))
    assert client.get(STATIONS).status_code == 403


def test_station_list_sends_anonymous_visitors_to_login(client):
    assert client.get(STATIONS).status_code == 302


def test_station_list_queries_do_not_grow_with_the_number_of_stations(client, county_admin, tree):
    for i in range(5):
        StationFactory(village=tree["villages"][i % 4], services=["cash", "parcels"])
    client.force_login(county_admin)
    client.get(STATIONS)  # warm up once-per-process caches (content types, site) so both counts compare alike
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(STATIONS).context["stations"]) == 5
    for i in range(25):
        StationFactory(village=tree["villages"][i % 4], services=["cash"])
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(STATIONS).context["stations"]) == 30
    assert len(thirty) == len(five), "\n".join(q["sql"] for q in thirty.captured_queries)


def test_station_detail_in_scope(client, township_admin, station, operator):
    client.force_login(township_admin)
    response = client.get(reverse("stations:station-detail", kwargs={"pk": station.pk}))
    assert response.status_code == 200
    assert response.context["station"] == station
    assert [a.user for a in response.context["staff"]] == [operator]
    assert station.name in response.content.decode()


def test_station_detail_outside_a_township_admins_region_is_not_found(client, township_admin, other_station):
    client.force_login(township_admin)
    assert client.get(reverse("stations:station-detail", kwargs={"pk": other_station.pk})).status_code == 404


@pytest.mark.parametrize("who", ["operator", "resident"])
def test_station_detail_is_forbidden_outside_the_back_office(client, request, who, station):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("stations:station-detail", kwargs={"pk": station.pk})).status_code == 403


def test_station_detail_of_an_unknown_station_answers_as_one_out_of_scope(client, county_admin):
    client.force_login(county_admin)
    assert client.get(reverse("stations:station-detail", kwargs={"pk": 987654})).status_code == 404
