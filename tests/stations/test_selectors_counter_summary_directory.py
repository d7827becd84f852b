"""Who sees what: the counter station and admin region of a user, a station's staff, the township summary
and the public station directory, and the queries they cost."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.roles import Role
from stations import selectors
from stations.models import Region
from stations.scope import active_assignments, scope_for
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory, region, staff_user

pytestmark = pytest.mark.django_db

PERSONAL_WORDS = ("user", "staff", "full_name", "username", "email", "household", "head_name", "liaison")


def _codes(queryset):
    return [s.code for s in queryset]


# --- the counter station and the admin region (stations/scope) -------------------------------------------------------


def test_the_counter_station_of_an_operator_or_liaison_is_their_station(operator, liaison, station):
    assert scope_for(operator).counter_station == station
    assert scope_for(liaison).counter_station == station


def test_the_counter_station_of_an_admin_or_resident_is_none(county_admin, resident):
    assert scope_for(county_admin).counter_station is None
    assert scope_for(resident).counter_station is None


def test_the_counter_station_of_is_the_earliest_active_assignment(station, other_station):
    today = timezone.localdate()
    user = staff_user(Role.OPERATOR, station=other_station, started_on=today)
    StaffAssignmentFactory(user=user, role="operator", station=station, started_on=today - timedelta(days=5))
    assert scope_for(user).counter_station == station


def test_the_counter_station_of_ignores_an_ended_assignment(station):
    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=station,
                           started_on=today - timedelta(days=9), ended_on=today - timedelta(days=1))
    assert scope_for(user).counter_station is None


def test_the_admin_region_of_is_the_widest_region_assigned(tree):
    user = UserFactory(roles=[Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][1])
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"])
    assert scope_for(user).admin_region == tree["county"]


def test_the_admin_region_of_a_township_admin_is_their_township(township_admin, tree):
    assert scope_for(township_admin).admin_region == tree["townships"][0]


def test_an_anonymous_visitor_has_no_counter_and_no_region(station):
    assert scope_for(AnonymousUser()).counter_station is None
    assert scope_for(AnonymousUser()).admin_region is None
    assert list(active_assignments(user=AnonymousUser())) == []


def test_the_admin_region_of_station_staff_is_none(operator, liaison):
    assert scope_for(operator).admin_region is None
    assert scope_for(liaison).admin_region is None


# --- station_staff --------------------------------------------------------------------------------


def test_station_staff_lists_only_active_assignments_of_that_station(operator, liaison, station, other_station):
    today = timezone.localdate()
    StaffAssignmentFactory(role="operator", station=station, started_on=today - timedelta(days=9),
                           ended_on=today - timedelta(days=1))
    StaffAssignmentFactory(role="operator", station=station, started_on=today + timedelta(days=1))
    StaffAssignmentFactory(role="operator", station=other_station)
    assert {a.user for a in selectors.station_staff(station=station)} == {operator, liaison}


# --- township_summary -----------------------------------------------------------------------------


@pytest.fixture
def mixed_statuses(tree):
    v = tree["villages"]
    community = region("community", tree["townships"][1])
    for village, status in [(v[0], "open"), (v[0], "open"), (v[1], "planned"), (v[2], "building"),
                            (v[3], "suspended"), (community, "open")]:
        StationFactory(village=village, status=status)


def test_township_summary_counts_stations_per_township_and_status(tree, mixed_statuses, django_assert_num_queries):
    with django_assert_num_queries(2):
        summary = selectors.township_summary(region=tree["county"])
    t0, t1 = tree["townships"]
    assert summary == [
        {"township": t0, "total": 3, "planned": 1, "building": 0, "open": 2, "suspended": 0, "closed": 0},
        {"township": t1, "total": 3, "planned": 0, "building": 1, "open": 1, "suspended": 1, "closed": 0},
    ]


def test_township_summary_lists_townships_without_stations_with_zeros(tree):
    summary = selectors.township_summary(region=tree["county"])
    assert [row["total"] for row in summary] == [0, 0]
    assert [row["township"] for row in summary] == tree["townships"]


def test_township_summary_for_a_township_is_that_township_alone(tree, mixed_statuses):
    summary = selectors.township_summary(region=tree["townships"][1])
    assert summary == [
        {"township": tree["townships"][1], "total": 3, "planned": 0, "building": 1, "open": 1, "suspended": 1, "closed": 0},
    ]


def test_township_summary_for_a_city_covers_townships_of_all_its_counties(tree, mixed_statuses):
    second_county = region("county", tree["city"])
    far_township = region("township", second_county)
    StationFactory(village=region("village", far_township), status="planned")
    summary = selectors.township_summary(region=Region.objects.get(pk=tree["city"].pk))
    assert [(row["township"], row["total"]) for row in summary][-1] == (far_township, 1)
    assert sum(row["total"] for row in summary) == 7


# --- public_station_directory ---------------------------------------------------------------------


PUBLIC_FIELDS = {"code", "name", "village", "township", "tier", "status", "address", "phone", "opening_hours",
                 "latitude", "longitude", "services"}


def test_public_directory_shows_public_fields_only(operator, liaison, station, tree):
    station.phone = "0731-12345678"
    station.save()
    (row,) = selectors.public_station_directory()
    assert set(row) == PUBLIC_FIELDS
    assert not any(word in key for key in row for word in PERSONAL_WORDS)
    flat = repr(row)
    for person in (operator, liaison):
        assert person.full_name not in flat and person.username not in flat
    assert row["village"] == tree["villages"][0].name
    assert row["township"] == tree["townships"][0].name
    assert row["phone"] == "0731-12345678"


def test_public_directory_lists_services_by_kind(tree):
    StationFactory(village=tree["villages"][0], services=["cash", "parcels"])
    (row,) = selectors.public_station_directory()
    assert sorted(row["services"]) == ["cash", "parcels"]


def test_public_directory_filters_by_township_code(tree, stations_everywhere):
    rows = selectors.public_station_directory(township_code=tree["townships"][1].code)
    assert [r["code"] for r in rows] == _codes(stations_everywhere[2:])
    assert {r["township"] for r in rows} == {tree["townships"][1].name}


def test_public_directory_finds_a_township_by_any_form_of_its_division_code(tree, stations_everywhere):
    township = tree["townships"][1]  # stored with nine digits
    assert len(township.code) == 9
    rows = selectors.public_station_directory(township_code=township.code + "000")
    assert [r["code"] for r in rows] == _codes(stations_everywhere[2:])


def test_public_directory_with_an_unknown_township_is_empty(tree, stations_everywhere):
    assert selectors.public_station_directory(township_code="000000000") == []
    # A village's code is not a township's.
    assert selectors.public_station_directory(township_code=tree["villages"][0].code) == []


def test_public_directory_filters_by_status(tree):
    StationFactory(village=tree["villages"][0], status="planned")
    building = StationFactory(village=tree["villages"][1], status="building")
    assert [r["code"] for r in selectors.public_station_directory(status="building")] == [building.code]


def test_public_directory_is_three_queries_however_many_stations(tree, django_assert_num_queries):
    for village in tree["villages"]:
        StationFactory(village=village, services=["cash"])
    # stations with their villages, their services, the townships' names
    with django_assert_num_queries(3):
        assert len(selectors.public_station_directory()) == 4
    for i in range(20):
        StationFactory(village=tree["villages"][i % 4], services=["cash", "parcels"])
    with django_assert_num_queries(3):
        assert len(selectors.public_station_directory()) == 24
