"""The one scope module: what each post amounts to, the predicates and the query filters."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from stations.models import Region, Station
from stations.scope import Scope, get_in_scope, place_q, require, scope_for, scope_forget
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
)


def casework(**facts):
    """A stand-in for a service request: the predicates read only these facts."""
    defaults = {"department_id": None, "assignee_id": None, "station_id": None, "applicant_user_id": None,
                "filed_by_id": None, "place_path": None}
    return SimpleNamespace(**{**defaults, **facts})


# --- Building the scope --------------------------------------------------------------------------


def test_an_anonymous_visitor_has_an_empty_scope_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        scope = scope_for(AnonymousUser())
    assert scope == Scope() and scope.is_empty and not scope.is_authenticated


def test_a_superuser_sees_everything_without_a_query(superuser, django_assert_num_queries):
    with django_assert_num_queries(0):
        scope = scope_for(superuser)
    assert scope.everything and scope.is_county_staff and scope.is_department_staff


def test_a_resident_has_no_post_but_is_signed_in(resident):
    scope = scope_for(resident)
    assert scope.is_empty and scope.is_authenticated and scope.user_id == resident.pk


def test_the_scope_costs_three_queries_once_per_user_object(operator, django_assert_num_queries):
    with django_assert_num_queries(3):  # assignments, department posts, merchant posts
        first = scope_for(operator)
    with django_assert_num_queries(0):
        assert scope_for(operator) is first


def test_a_forgotten_scope_is_read_again(operator, station):
    assert scope_for(operator).station_ids == (station.pk,)
    operator.staff_assignments.update(ended_on=timezone.localdate())
    assert scope_for(operator).station_ids == (station.pk,)  # cached for the request
    scope_forget(operator)
    assert scope_for(operator).station_ids == ()


def test_posts_of_every_kind_are_collected(tree, station, department):
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="operator", station=station)
    StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][1])
    DepartmentMembershipFactory(user=user, department=department, is_head=True)
    scope = scope_for(user)
    assert scope.station_ids == scope.operator_station_ids == (station.pk,)
    assert scope.region_paths == (tree["townships"][1].path,)
    assert scope.department_ids == scope.head_department_ids == (department.pk,)
    assert scope.counter_station == station and scope.till_station == station
    assert scope.admin_region == tree["townships"][1]


def test_ended_and_future_assignments_give_no_post(tree, station):
    user = UserFactory()
    today = timezone.localdate()
    StaffAssignmentFactory(user=user, role="operator", station=station, started_on=today - timedelta(days=9),
                           ended_on=today)
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"], started_on=today + timedelta(days=1))
    assert scope_for(user).is_empty


def test_the_widest_region_is_the_admin_region(tree):
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][0])
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"])
    assert scope_for(user).admin_region == tree["county"]
    assert scope_for(user).county_path == tree["county"].path


def test_a_township_admins_county_path_is_their_townships_county(township_admin, tree):
    assert scope_for(township_admin).county_path == tree["county"].path


# --- Workspace predicates --------------------------------------------------------------------------


@pytest.mark.parametrize("who, expected", [
    ("anonymous", (False, False, False, False, False, False)),
    ("resident", (False, False, False, False, False, False)),
    ("operator", (False, False, True, True, False, False)),
    ("liaison", (False, False, True, False, False, False)),
    ("officer", (False, False, False, False, True, False)),
    ("township_admin", (True, False, False, False, False, False)),
    ("county_admin", (True, True, False, False, False, False)),
    ("superuser", (True, True, False, False, True, False)),
])
def test_each_post_opens_its_own_workspace(db, request, who, expected):
    """expected: back office, county-wide, counter, till, department queue, merchant."""
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    scope = scope_for(user)
    assert (scope.is_county_staff, scope.is_county_admin, scope.is_counter_staff, scope.is_till_keeper,
            scope.is_department_staff, scope.is_merchant) == expected


def test_a_liaison_with_no_other_post_is_only_a_liaison(liaison, station, tree):
    assert scope_for(liaison).is_only_liaison
    StaffAssignmentFactory(user=liaison, role="operator", station=station)
    scope_forget(liaison)
    assert not scope_for(liaison).is_only_liaison


def test_a_merchant_user_has_a_merchant_post(db):
    from oscar.core.loading import get_model

    partner = get_model("partner", "Partner").objects.create(name="李记土产")
    user = UserFactory(roles=[Role.MERCHANT])
    partner.users.add(user)
    scope = scope_for(user)
    assert scope.is_merchant and scope.partner_ids == (partner.pk,) and scope.merchant_ids == ()
    assert scope.sells_as(partner.pk) and not scope.sells_as(partner.pk + 1)


# --- Object predicates -------------------------------------------------------------------------------


def test_covers_is_a_path_prefix_and_county_only_asks_for_a_county_post(tree):
    township = tree["townships"][0]
    scope = Scope(user_id=1, regions=(_region_post(township, Role.TOWNSHIP_ADMIN),))
    assert scope.covers(tree["villages"][0].path)
    assert not scope.covers(tree["villages"][2].path) and not scope.covers(tree["county"].path)
    assert not scope.covers(None) and not scope.covers("")
    assert not scope.covers(tree["villages"][0].path, county_only=True)


def _region_post(region: Region, role: str):
    from stations.scope import RegionPost

    return RegionPost(region.pk, role, region.path, region.level, region)


def _department_posts(*posts):
    from stations.scope import DepartmentPost

    return tuple(DepartmentPost(department_id, is_head, path) for department_id, is_head, path in posts)


def test_an_officer_handles_unassigned_and_own_requests_a_head_any_of_the_department():
    officer = Scope(user_id=7, departments=_department_posts((3, False, "0001")))
    head = Scope(user_id=8, departments=_department_posts((3, True, "0001")))
    unassigned, mine, theirs = casework(department_id=3), casework(department_id=3, assignee_id=7), \
        casework(department_id=3, assignee_id=9)
    other_department = casework(department_id=4)
    assert [officer.can_handle_request(r) for r in (unassigned, mine, theirs, other_department)] == [
        True, True, False, False]
    assert [head.can_handle_request(r) for r in (unassigned, mine, theirs, other_department)] == [
        True, True, True, False]
    assert officer.can_claim_request(unassigned) and not officer.can_claim_request(theirs)
    assert head.can_assign_request(theirs) and not officer.can_assign_request(unassigned)
    assert officer.can_transfer_request(mine) and not officer.can_transfer_request(unassigned)


def test_an_admin_reroutes_and_notes_requests_of_their_region_but_does_not_move_them(tree):
    admin = Scope(user_id=5, regions=(_region_post(tree["townships"][0], Role.TOWNSHIP_ADMIN),))
    here = casework(department_id=3, place_path=tree["villages"][0].path)
    there = casework(department_id=3, place_path=tree["villages"][2].path)
    assert admin.can_reroute_request(here) and admin.can_note_request(here)
    assert not admin.can_handle_request(here)
    assert not (admin.can_reroute_request(there) or admin.can_note_request(there))


def test_the_applicant_the_filer_and_the_station_act_for_the_applicant_a_superuser_does_not(station):
    from stations.scope import StationPost

    request = casework(department_id=1, applicant_user_id=10, filed_by_id=11, station_id=station.pk)
    staff = Scope(user_id=12, stations=(StationPost(station.pk, Role.LIAISON, station.village.path, station),))
    assert Scope(user_id=10).can_act_for_applicant(request) and Scope(user_id=11).can_act_for_applicant(request)
    assert staff.can_act_for_applicant(request)
    assert not Scope(user_id=1, everything=True).can_act_for_applicant(request)


def test_filing_at_a_station_is_for_its_staff_relayed_filing_for_the_places_admins_and_departments(tree, station):
    from stations.scope import StationPost

    staff = Scope(user_id=1, stations=(StationPost(station.pk, Role.OPERATOR, station.village.path, station),))
    admin = Scope(user_id=2, regions=(_region_post(tree["townships"][1], Role.TOWNSHIP_ADMIN),))
    officer = Scope(user_id=3, departments=_department_posts((4, False, tree["townships"][0].path)))
    village, far_village = tree["villages"][0].path, tree["villages"][2].path
    assert staff.can_file(station_id=station.pk, village_path=village, online=False)
    assert not admin.can_file(station_id=station.pk, village_path=village, online=False)
    assert admin.can_file(station_id=None, village_path=far_village, online=False)
    assert not admin.can_file(station_id=None, village_path=village, online=False)
    assert officer.can_file(station_id=None, village_path=village, online=False)
    assert not officer.can_file(station_id=None, village_path=far_village, online=False)
    assert Scope(user_id=9).can_file(station_id=None, village_path=village, online=True)
    assert not Scope().can_file(station_id=None, village_path=village, online=True)


# --- Query filters -------------------------------------------------------------------------------------


def test_a_dimension_not_named_gives_no_access(county_admin, station):
    admin = scope_for(county_admin)
    assert Station.objects.filter(admin.q(station="pk")).count() == 0
    assert list(Station.objects.filter(admin.q(place="village__path"))) == [station]


def test_the_first_place_that_is_set_counts(tree, department):
    from tests.factories import ServiceItemFactory, ServiceRequestFactory

    item = ServiceItemFactory(department=department)
    here, there = tree["villages"][0], tree["villages"][2]
    at_station_elsewhere = ServiceRequestFactory(item=item, station=StationFactory(village=there), village=here)
    by_station_only = ServiceRequestFactory(item=item, station=StationFactory(village=here), village=None)
    neither = ServiceRequestFactory(item=item, station=None, village=None)
    from gov_services.models import ServiceRequest

    township = tree["townships"][0]
    place = ("village__path", "station__village__path", "department__region__path")
    found = set(ServiceRequest.objects.filter(place_q(township.path, place)))
    assert found == {at_station_elsewhere, by_station_only}
    assert set(ServiceRequest.objects.filter(place_q(tree["county"].path, place))) == {
        at_station_elsewhere, by_station_only, neither}


def test_q_for_everything_is_empty_and_for_nobody_matches_nothing(tree, station):
    assert Scope(everything=True).q(place="village__path") == Scope(everything=True).q()
    assert Station.objects.filter(Scope(user_id=1).q(place="village__path", station="pk")).count() == 0
    assert Scope().filter(Station.objects.all(), place="village__path").count() == 0


def test_owner_department_and_station_lookups(tree, station, operator, department):
    from gov_services.models import ServiceRequest
    from tests.factories import ServiceItemFactory, ServiceRequestFactory

    resident = UserFactory()
    own = ServiceRequestFactory(item=ServiceItemFactory(department=department), station=station,
                                applicant_user=resident)
    elsewhere = ServiceRequestFactory(item=ServiceItemFactory(department=DepartmentFactory(region=tree["county"])),
                                      village=tree["villages"][3])
    officer = UserFactory()
    DepartmentMembershipFactory(user=officer, department=department)
    lookups = {"owner": "applicant_user_id", "department": "department_id", "station": "station_id"}
    for user in (resident, officer, operator):
        assert list(ServiceRequest.objects.filter(scope_for(user).q(**lookups))) == [own]
    assert set(ServiceRequest.objects.filter(scope_for(UserFactory(is_superuser=True)).q(**lookups))) == {
        own, elsewhere}


# --- Answers --------------------------------------------------------------------------------------------


def test_get_in_scope_answers_404_alike_for_missing_and_foreign_rows(township_admin, station, other_station):
    stations = scope_for(township_admin).filter(Station.objects.all(), place="village__path")
    assert get_in_scope(stations, pk=station.pk) == station
    answers = []
    for pk in (other_station.pk, 987_654):
        with pytest.raises(Http404) as refused:
            get_in_scope(stations, pk=pk)
        answers.append(refused.value.args)
    assert answers[0] == answers[1]


def test_require_raises_permission_denied_with_the_reason():
    require(True, "never shown")
    with pytest.raises(PermissionDenied, match="只有"):
        require(False, "只有县级管理员可以这样做。")


# --- Admin posts and opening counties ---------------------------------------------------------------------

def test_admin_posts_are_given_by_the_county_admin_of_their_county_only(tree, county_admin, township_admin,
                                                                        superuser):
    from stations.models import StaffAssignment
    from tests.factories import county_tree

    township, county, elsewhere = tree["townships"][0], tree["county"], county_tree()
    county_scope, township_scope = scope_for(county_admin), scope_for(township_admin)
    assert county_scope.can_give_admin_post(township, Role.TOWNSHIP_ADMIN)
    assert county_scope.can_give_admin_post(county, Role.COUNTY_ADMIN)
    assert not county_scope.can_give_admin_post(county, Role.TOWNSHIP_ADMIN)  # a level the role does not serve
    assert not county_scope.can_give_admin_post(elsewhere["townships"][0], Role.TOWNSHIP_ADMIN)
    assert not county_scope.can_give_admin_post(tree["city"], Role.COUNTY_ADMIN)
    assert not township_scope.can_give_admin_post(township, Role.TOWNSHIP_ADMIN)
    own, theirs = (StaffAssignment.objects.get(user=user) for user in (county_admin, township_admin))
    assert county_scope.can_end_admin_post(theirs) and not county_scope.can_end_admin_post(own)
    assert scope_for(superuser).can_end_admin_post(own) and scope_for(superuser).is_platform_admin
    assert not county_scope.is_platform_admin and not township_scope.can_end_admin_post(theirs)
