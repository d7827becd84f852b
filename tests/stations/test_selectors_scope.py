"""Who sees what: the scope of the station, region and grid lists and of access by id, and the queries
they cost."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from stations import selectors
from stations.models import Region, Station
from tests.factories import (
    GridFactory,
    HouseholdFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    region,
    staff_user,
)

pytestmark = pytest.mark.django_db


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
    user = staff_user(Role.OPERATOR, station=stations_everywhere[0])
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
