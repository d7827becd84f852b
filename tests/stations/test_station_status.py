"""Station build status as a transition table, the admin's status form, and guard rails on staff and grids."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.audit import audit_events_for
from gov_services.selectors.departments import department_list
from stations import services
from stations.models import Station
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    StaffAssignmentFactory,
    StationFactory,
)

S = Station.Status


@pytest.mark.parametrize(("start", "end", "allowed"), [
    (S.PLANNED, S.BUILDING, True), (S.PLANNED, S.OPEN, False), (S.BUILDING, S.OPEN, True),
    (S.BUILDING, S.PLANNED, True), (S.OPEN, S.SUSPENDED, True), (S.OPEN, S.PLANNED, False),
    (S.OPEN, S.BUILDING, False), (S.SUSPENDED, S.OPEN, True), (S.SUSPENDED, S.PLANNED, False),
    (S.PLANNED, S.CLOSED, True), (S.OPEN, S.CLOSED, True), (S.SUSPENDED, S.CLOSED, True), (S.CLOSED, S.OPEN, False),
    (S.CLOSED, S.PLANNED, False),
])
def test_station_status_follows_the_transition_table(tree, county_admin, start, end, allowed):
    station = StationFactory(village=tree["villages"][0], status=start)
    if allowed:
        assert services.station_status_change(station=station, status=end, reason="验收", actor=county_admin).status == end
    else:
        with pytest.raises(ValidationError):
            services.station_status_change(station=station, status=end, reason="验收", actor=county_admin)
        station.refresh_from_db()
        assert station.status == start and not audit_events_for(station).filter(action="station.status_changed")


def test_status_change_needs_a_reason(station, county_admin):
    with pytest.raises(ValidationError):
        services.station_status_change(station=station, status=S.SUSPENDED, reason="  ", actor=county_admin)


def test_county_admin_changes_a_station_status_from_its_page(client, county_admin, tree):
    station = StationFactory(village=tree["villages"][0], status=S.BUILDING)
    client.force_login(county_admin)
    page = client.get(reverse("stations:station-detail", args=[station.pk]))
    assert page.context["status_form"] is not None
    response = client.post(reverse("stations:station-status", args=[station.pk]),
                           {"status": S.OPEN, "reason": "建成验收"})
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.status == S.OPEN and station.opened_on is not None
    event = audit_events_for(station).get(action="station.status_changed")
    assert event.actor == county_admin and event.data["reason"] == "建成验收"


def test_an_illegal_status_in_the_form_is_refused_with_a_message(client, county_admin, station):
    client.force_login(county_admin)
    response = client.post(reverse("stations:station-status", args=[station.pk]),
                           {"status": S.PLANNED, "reason": "试试"}, follow=True)
    station.refresh_from_db()
    assert station.status == S.OPEN
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_operator_cannot_change_a_station_status(client, operator, station):
    client.force_login(operator)
    response = client.post(reverse("stations:station-status", args=[station.pk]),
                           {"status": S.SUSPENDED, "reason": "x"})
    assert response.status_code == 403
    station.refresh_from_db()
    assert station.status == S.OPEN


def test_someone_without_the_back_office_gets_403_whichever_station_is_named(client, officer, resident,
                                                                          station, other_station):
    # Not a 404 that would tell them which ids exist: the workspace is refused before the station is looked up.
    for user in (officer, resident):
        client.force_login(user)
        for pk in (station.pk, other_station.pk, 999_999):
            response = client.post(reverse("stations:station-status", args=[pk]), {"status": S.SUSPENDED, "reason": "x"})
            assert response.status_code == 403
    assert set(Station.objects.values_list("status", flat=True)) == {S.OPEN}


def test_township_admin_cannot_change_a_station_outside_their_township(client, township_admin, other_station):
    client.force_login(township_admin)
    response = client.post(reverse("stations:station-status", args=[other_station.pk]),
                           {"status": S.SUSPENDED, "reason": "x"})
    assert response.status_code == 404
    other_station.refresh_from_db()
    assert other_station.status == S.OPEN


def test_ending_an_assignment_twice_is_refused(operator, county_admin):
    assignment = operator.staff_assignments.get()
    services.staff_assignment_end(assignment=assignment, actor=county_admin)
    with pytest.raises(ValidationError):
        services.staff_assignment_end(assignment=assignment, actor=county_admin)
    assert audit_events_for(assignment).filter(action="staff.assignment_ended").count() == 1


def test_a_grid_liaison_must_be_a_liaison_at_that_station(station, other_station, county_admin):
    liaison_elsewhere = StaffAssignmentFactory(role="liaison", station=other_station).user
    with pytest.raises(ValidationError):
        services.grid_create(station=station, name="一组", liaison=liaison_elsewhere, actor=county_admin)
    assert not station.grids.exists()


def test_station_create_refuses_a_service_listed_twice(tree, county_admin):
    with pytest.raises(ValidationError):
        services.station_create(village=tree["villages"][0], code="DUP1", name="重复站", address="x",
                                actor=county_admin, services=["cash", "cash"])
    assert not Station.objects.filter(code="DUP1").exists()


def test_an_officer_who_is_also_an_admin_sees_their_own_department_too(tree, township_admin):
    own = DepartmentFactory(region=tree["county"])
    DepartmentMembershipFactory(department=own, user=township_admin)
    township_level = DepartmentFactory(region=tree["townships"][0])
    DepartmentFactory(region=tree["townships"][1])
    assert set(department_list(user=township_admin)) == {own, township_level}
