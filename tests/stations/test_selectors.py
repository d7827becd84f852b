"""Who sees what: the scope of every stations selector, and the queries it costs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from stations import selectors
from stations.models import Region, Station
from stations.scope import active_assignments, scope_for
from tests.factories import (
    GridFactory,
    HouseholdFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db

PERSONAL_WORDS = ("user", "staff", "full_name", "username", "email", "household", "head_name", "liaison")


@pytest.fixture
def stations_everywhere(tree):
    """One station in every village: villages 0–1 in township 0, villages 2–3 in township 1."""
    return [StationFactory(village=village) for village in tree["villages"]]


def _codes(queryset):
    return [s.code for s in queryset]


# --- station_list ---------------------------------------------------------------------------------


def test_superuser_sees_every_station(superuser, stations_everywhere):
    other_county = region("county", region("city"))
    far = StationFactory(village=region("village", region("township", other_county)))
    assert set(selectors.station_list(user=superuser)) == {*stations_everywhere, far}


def test_county_admin_sees_every_station_in_their_county_and_none_outside(county_admin, stations_everywhere):
    other_county = region("county", region("city"))
    StationFactory(village=region("village", region("township", other_county)))
    assert list(selectors.station_list(user=county_admin)) == sorted(stations_everywhere, key=lambda s: s.code)


def test_township_admin_sees_stations_in_their_township_only(township_admin, stations_everywhere):
    assert list(selectors.station_list(user=township_admin)) == stations_everywhere[:2]


def test_operator_sees_only_their_own_station(operator, station, other_station):
    StationFactory(village=station.village)  # a neighbour in the very same village
    assert list(selectors.station_list(user=operator)) == [station]


def test_liaison_sees_only_the_station_they_serve(liaison, station, other_station):
    assert list(selectors.station_list(user=liaison)) == [station]


@pytest.mark.parametrize("who", ["resident", "officer", "plain user"])
def test_people_without_a_staff_assignment_see_no_station(who, resident, officer, stations_everywhere):
    user = {"resident": resident, "officer": officer, "plain user": UserFactory()}[who]
    assert list(selectors.station_list(user=user)) == []


def test_anonymous_visitor_sees_no_station(stations_everywhere):
    assert list(selectors.station_list(user=AnonymousUser())) == []


def test_a_role_group_without_an_assignment_gives_no_scope(stations_everywhere):
    user = UserFactory(roles=[Role.COUNTY_ADMIN])
    assert list(selectors.station_list(user=user)) == []


def test_an_assignment_that_ended_yesterday_gives_nothing(station):
    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=station,
                           started_on=today - timedelta(days=30), ended_on=today - timedelta(days=1))
    assert list(selectors.station_list(user=user)) == []


def test_an_assignment_ending_today_removes_access_at_once(station):
    """ended_on is the first day without access: ending someone today locks them out now."""
    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=station,
                           started_on=today - timedelta(days=30), ended_on=today + timedelta(days=1))
    assert list(selectors.station_list(user=user)) == [station]
    user.staff_assignments.update(ended_on=today)
    next_request = User.objects.get(pk=user.pk)  # the scope is computed once per request's user
    assert list(selectors.station_list(user=next_request)) == []


def test_an_assignment_starting_tomorrow_gives_nothing_yet(tree, stations_everywhere):
    user = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"],
                           started_on=timezone.localdate() + timedelta(days=1))
    assert list(selectors.station_list(user=user)) == []


def test_a_user_with_two_assignments_sees_both_scopes(tree, stations_everywhere):
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=stations_everywhere[0])
    StaffAssignmentFactory(user=user, role="operator", station=stations_everywhere[3])
    assert list(selectors.station_list(user=user)) == [stations_everywhere[0], stations_everywhere[3]]


def test_station_list_filters_by_township(county_admin, tree, stations_everywhere):
    township = tree["townships"][1]
    assert list(selectors.station_list(user=county_admin, township_id=township.pk)) == stations_everywhere[2:]


def test_township_filter_never_widens_the_scope(township_admin, tree, stations_everywhere):
    other_township = tree["townships"][1]
    assert list(selectors.station_list(user=township_admin, township_id=other_township.pk)) == []


def test_township_filter_with_a_region_that_is_not_a_township_gives_nothing(county_admin, tree, stations_everywhere):
    assert list(selectors.station_list(user=county_admin, township_id=tree["villages"][0].pk)) == []
    assert list(selectors.station_list(user=county_admin, township_id=999_999)) == []


def test_station_list_filters_by_status(county_admin, tree):
    planned = StationFactory(village=tree["villages"][0], status=Station.Status.PLANNED)
    StationFactory(village=tree["villages"][1], status=Station.Status.OPEN)
    assert list(selectors.station_list(user=county_admin, status=Station.Status.PLANNED)) == [planned]


def test_station_list_filters_by_service_without_duplicates(county_admin, tree):
    with_cash = StationFactory(village=tree["villages"][0], services=["cash", "parcels", "gov_errands"])
    StationFactory(village=tree["villages"][1], services=["parcels"])
    assert list(selectors.station_list(user=county_admin, service="cash")) == [with_cash]
    assert len(selectors.station_list(user=county_admin, service="parcels")) == 2


def test_station_list_costs_the_same_queries_for_3_or_30_stations(county_admin, tree, django_assert_num_queries):
    for village in tree["villages"][:3]:
        StationFactory(village=village)
    # Three for the admin's scope (assignments, departments, merchants; once per request), one for the
    # stations (village joined in).
    with django_assert_num_queries(4):
        few = [s.village.name for s in selectors.station_list(user=county_admin)]
    for i in range(27):
        StationFactory(village=tree["villages"][i % 4])
    next_request = User.objects.get(pk=county_admin.pk)
    with django_assert_num_queries(4):
        many = [s.village.name for s in selectors.station_list(user=next_request)]
    assert (len(few), len(many)) == (3, 30)


def test_station_list_for_a_superuser_is_one_query(superuser, stations_everywhere, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len([s.village.name for s in selectors.station_list(user=superuser)]) == 4


# --- access_station_by_id -------------------------------------------------------------------------


def test_access_station_by_id_returns_a_station_in_scope(township_admin, station):
    assert selectors.access_station_by_id(user=township_admin, station_id=station.pk) == station


@pytest.mark.parametrize("who", ["operator", "township_admin", "resident", "anonymous"])
def test_access_station_by_id_refuses_a_station_outside_scope(who, request, other_station):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(Http404):
        selectors.access_station_by_id(user=user, station_id=other_station.pk)


def test_access_station_by_id_refuses_an_unknown_id_the_same_way(county_admin):
    with pytest.raises(Http404):
        selectors.access_station_by_id(user=county_admin, station_id=987_654)


# --- region_list / access_region_by_id ------------------------------------------------------------


def test_county_admin_sees_their_county_and_everything_under_it(county_admin, tree):
    expected = {tree["county"], *tree["townships"], *tree["villages"]}
    assert set(selectors.region_list(user=county_admin)) == expected


def test_township_admin_sees_their_township_and_its_villages(township_admin, tree):
    expected = {tree["townships"][0], *tree["villages"][:2]}
    assert set(selectors.region_list(user=township_admin)) == expected


def test_operator_sees_only_their_stations_village(operator, station, tree):
    StationFactory(village=station.village)  # a second station must not duplicate the village
    assert list(selectors.region_list(user=operator)) == [station.village]


def test_superuser_sees_every_region(superuser, tree):
    assert selectors.region_list(user=superuser).count() == Region.objects.count()


def test_resident_and_anonymous_see_no_region(resident, tree):
    assert list(selectors.region_list(user=resident)) == []
    assert list(selectors.region_list(user=AnonymousUser())) == []


def test_access_region_by_id_returns_a_region_in_scope(township_admin, tree):
    village = tree["villages"][1]
    assert selectors.access_region_by_id(user=township_admin, region_id=village.pk) == village


@pytest.mark.parametrize("which", ["city", "county", "other township", "other village"])
def test_access_region_by_id_refuses_regions_outside_a_township_admins_scope(which, township_admin, tree):
    target = {"city": tree["city"], "county": tree["county"], "other township": tree["townships"][1],
              "other village": tree["villages"][2]}[which]
    with pytest.raises(Http404):
        selectors.access_region_by_id(user=township_admin, region_id=target.pk)


def test_access_region_by_id_refuses_an_operator_any_village_but_their_own(operator, tree):
    assert selectors.access_region_by_id(user=operator, region_id=tree["villages"][0].pk) == tree["villages"][0]
    with pytest.raises(Http404):
        selectors.access_region_by_id(user=operator, region_id=tree["villages"][1].pk)


# --- grid_list ------------------------------------------------------------------------------------


@pytest.fixture
def grids(station, other_station, liaison):
    walked = GridFactory(station=station, name="一组", liaison=liaison)
    someone_elses = GridFactory(station=station, name="二组", liaison=UserFactory(roles=[Role.LIAISON]))
    elsewhere = GridFactory(station=other_station, name="三组")
    HouseholdFactory.create_batch(3, grid=walked)
    HouseholdFactory.create_batch(2, grid=someone_elses)
    HouseholdFactory(grid=elsewhere)
    return {"walked": walked, "someone_elses": someone_elses, "elsewhere": elsewhere}


def test_liaison_sees_only_the_grids_they_walk(liaison, grids):
    assert list(selectors.grid_list(user=liaison)) == [grids["walked"]]


def test_operator_sees_every_grid_of_their_station_and_no_other(operator, grids):
    assert list(selectors.grid_list(user=operator)) == [grids["walked"], grids["someone_elses"]]


def test_a_liaison_who_also_operates_the_station_sees_all_its_grids(liaison, station, grids):
    StaffAssignmentFactory(user=liaison, role="operator", station=station)
    assert list(selectors.grid_list(user=liaison)) == [grids["walked"], grids["someone_elses"]]


def test_township_admin_sees_grids_in_their_township_only(township_admin, grids):
    assert list(selectors.grid_list(user=township_admin)) == [grids["walked"], grids["someone_elses"]]


def test_superuser_sees_all_grids_and_can_narrow_to_one_station(superuser, other_station, grids):
    assert len(selectors.grid_list(user=superuser)) == 3
    assert list(selectors.grid_list(user=superuser, station_id=other_station.pk)) == [grids["elsewhere"]]


def test_grid_list_counts_households_per_grid(operator, grids):
    counts = {g.name: g.household_count for g in selectors.grid_list(user=operator)}
    assert counts == {"一组": 3, "二组": 2}


def test_resident_and_anonymous_see_no_grid(resident, grids):
    assert list(selectors.grid_list(user=resident)) == []
    assert list(selectors.grid_list(user=AnonymousUser())) == []


def test_grid_list_costs_the_same_queries_however_many_grids(operator, station, django_assert_num_queries):
    GridFactory(station=station, liaison=UserFactory())
    # three for the scope (once per request), the grids with liaison and station joined
    with django_assert_num_queries(4):
        assert [(g.liaison.username, g.station.name) for g in selectors.grid_list(user=operator)]
    GridFactory.create_batch(10, station=station, liaison=UserFactory())
    next_request = User.objects.get(pk=operator.pk)
    with django_assert_num_queries(4):
        assert len([(g.liaison.username, g.station.name) for g in selectors.grid_list(user=next_request)]) == 11


# --- the counter station and the admin region (stations/scope) -------------------------------------------------------


def test_the_counter_station_of_an_operator_or_liaison_is_their_station(operator, liaison, station):
    assert scope_for(operator).counter_station == station
    assert scope_for(liaison).counter_station == station


def test_the_counter_station_of_an_admin_or_resident_is_none(county_admin, resident):
    assert scope_for(county_admin).counter_station is None
    assert scope_for(resident).counter_station is None


def test_the_counter_station_of_is_the_earliest_active_assignment(station, other_station):
    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=other_station, started_on=today)
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
