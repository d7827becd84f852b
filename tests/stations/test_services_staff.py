"""Writes to staff assignments: assigning and ending a post, the roles and groups they give and take, what
is refused, and one audit event each."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent
from stations import services
from stations.models import StaffAssignment
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory
from tests.stations.audit_trail import actions

pytestmark = pytest.mark.django_db


# --- staff_assign ---------------------------------------------------------------------------------


def _group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_assigning_an_operator_puts_them_in_the_group_and_audits_both_changes(station, actor):
    user = UserFactory()
    assignment = services.staff_assign(user=user, role="operator", station=station, actor=actor)
    assert (assignment.role, assignment.station, assignment.region) == ("operator", station, None)
    assert assignment.started_on == timezone.localdate() and assignment.ended_on is None
    assert _group_names(user) == {"operator"}
    assert actions() == ["role.granted", "staff.assigned"]
    granted, assigned = AuditEvent.objects.order_by("pk")
    assert granted.actor == assigned.actor == actor
    assert granted.data == {"role": "operator"} and granted.target_id == str(user.pk)
    assert assigned.target_id == str(assignment.pk)
    assert assigned.data == {"role": "operator", "station": station.code, "region": None}


def test_a_second_assignment_in_the_same_role_audits_only_the_assignment(station, other_station, actor):
    user = UserFactory()
    services.staff_assign(user=user, role="liaison", station=station, actor=actor)
    services.staff_assign(user=user, role="liaison", station=other_station, actor=actor)
    assert actions() == ["role.granted", "staff.assigned", "staff.assigned"]
    assert user.groups.count() == 1


@pytest.mark.parametrize("role, level", [("county_admin", "county"), ("township_admin", "township")])
def test_assigning_an_admin_to_a_region_of_their_level(role, level, tree, actor):
    place = tree["county"] if level == "county" else tree["townships"][1]
    user = UserFactory()
    assignment = services.staff_assign(user=user, role=role, region=place, actor=actor)
    assert (assignment.region, assignment.station) == (place, None)
    assert _group_names(user) == {role}
    assert AuditEvent.objects.get(action="staff.assigned").data == {"role": role, "station": None,
                                                                    "region": place.code}


def test_assignment_can_start_on_a_given_day(station, actor):
    start = timezone.localdate() + timedelta(days=7)
    assignment = services.staff_assign(user=UserFactory(), role="operator", station=station, actor=actor,
                                       started_on=start)
    assert assignment.started_on == start


def _refused(**kwargs):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.staff_assign(user=user, **kwargs)
    assert not StaffAssignment.objects.filter(user=user).exists()
    assert not user.groups.exists()
    assert not AuditEvent.objects.exists()


def test_an_operator_without_a_station_is_refused(tree, actor):
    _refused(role="operator", actor=actor)
    _refused(role="operator", region=tree["villages"][0], actor=actor)


def test_a_liaison_with_both_a_station_and_a_region_is_refused(station, tree, actor):
    _refused(role="liaison", station=station, region=tree["townships"][0], actor=actor)


def test_a_township_admin_on_a_county_region_is_refused(tree, actor):
    _refused(role="township_admin", region=tree["county"], actor=actor)


def test_a_county_admin_on_a_township_region_is_refused(tree, actor):
    _refused(role="county_admin", region=tree["townships"][0], actor=actor)


def test_an_admin_without_a_region_or_with_a_station_is_refused(station, actor):
    _refused(role="county_admin", actor=actor)
    _refused(role="township_admin", station=station, actor=actor)


def test_an_unknown_role_is_refused(station, actor):
    _refused(role="mayor", station=station, actor=actor)


def test_a_refused_assignment_keeps_the_users_existing_groups(tree, actor):
    user = UserFactory(roles=[Role.RESIDENT])
    with pytest.raises(ValidationError):
        services.staff_assign(user=user, role="township_admin", region=tree["county"], actor=actor)
    assert _group_names(user) == {"resident"}
    assert Group.objects.get(name="township_admin").user_set.count() == 0


# --- staff_assignment_end -------------------------------------------------------------------------


def test_ending_an_assignment_sets_the_day_and_audits_it(station, actor):
    assignment = StaffAssignmentFactory(role="operator", station=station,
                                        started_on=timezone.localdate() - timedelta(days=30))
    services.staff_assignment_end(assignment=assignment, actor=actor)
    assignment.refresh_from_db()
    assert assignment.ended_on == timezone.localdate()
    (event,) = AuditEvent.objects.filter(action="staff.assignment_ended")
    assert (event.action, event.actor, event.target_id) == ("staff.assignment_ended", actor, str(assignment.pk))
    assert event.data == {"ended_on": timezone.localdate().isoformat()}


def test_an_assignment_ended_yesterday_removes_the_scope(station, actor):
    from stations.selectors import station_list

    today = timezone.localdate()
    assignment = StaffAssignmentFactory(role="operator", station=station, started_on=today - timedelta(days=30))
    assert list(station_list(user=assignment.user)) == [station]
    services.staff_assignment_end(assignment=assignment, actor=actor, ended_on=today - timedelta(days=1))
    assert list(station_list(user=assignment.user)) == []


def test_ending_the_last_post_of_a_role_ends_the_role_and_the_person_lands_as_a_resident(station, actor, client):
    from accounts.views import workspace_url_for

    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    first = StaffAssignmentFactory(user=user, role="operator", station=station, started_on=today - timedelta(days=9))
    second = StaffAssignmentFactory(user=user, role="operator", station=StationFactory(village=station.village),
                                    started_on=today - timedelta(days=9))
    services.staff_assignment_end(assignment=first, actor=actor)
    assert Role.OPERATOR in User.objects.get(pk=user.pk).roles  # still posted at the other station
    services.staff_assignment_end(assignment=second, actor=actor)
    user = User.objects.get(pk=user.pk)
    assert Role.OPERATOR not in user.roles
    assert AuditEvent.objects.filter(action="role.revoked", actor=actor, data={"role": "operator"}).count() == 1
    assert workspace_url_for(user) == reverse("gov_services:resident-service-request-list")


def test_a_post_ending_on_a_later_day_keeps_the_role_until_then(station, actor):
    today = timezone.localdate()
    user = UserFactory(roles=[Role.OPERATOR])
    post = StaffAssignmentFactory(user=user, role="operator", station=station, started_on=today - timedelta(days=9))
    services.staff_assignment_end(assignment=post, actor=actor, ended_on=today + timedelta(days=5))
    assert Role.OPERATOR in User.objects.get(pk=user.pk).roles


def test_an_assignment_cannot_end_before_it_starts(station, actor):
    today = timezone.localdate()
    assignment = StaffAssignmentFactory(role="operator", station=station, started_on=today)
    with pytest.raises(ValidationError):
        services.staff_assignment_end(assignment=assignment, actor=actor, ended_on=today - timedelta(days=1))
    assignment.refresh_from_db()
    assert assignment.ended_on is None
    assert not AuditEvent.objects.exists()
