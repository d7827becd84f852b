"""Request services inside the department: reroute, claim, assign, transfer and notes."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from core.state_machine import TransitionNotAllowed
from gov_services.models import ServiceRequest
from gov_services.requests import services as services
from tests.factories import DepartmentFactory, staff_user
from tests.gov_services.request_helpers import completed, events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- reroute, claim, assign, transfer, note -------------------------------------------------------

def test_reroute_moves_the_request_and_clears_the_assignee(filed, officer, tree):
    other = DepartmentFactory(region=tree["townships"][0], level="township")
    services.service_request_claim(request=filed, actor=officer)
    services.service_request_reroute(request=filed, actor=officer, department=other, note="属于乡镇事项")
    filed.refresh_from_db()
    assert (filed.department, filed.assignee, filed.status) == (other, None, S.SUBMITTED)
    [event] = events(filed, "reroute")
    assert event.internal and event.note == "属于乡镇事项"
    assert event.data["to_department"] == other.pk and event.data["from_assignee"] == officer.pk


def test_reroute_to_a_department_that_does_not_serve_the_village_is_refused(filed, officer, tree):
    elsewhere = DepartmentFactory(region=tree["townships"][1], level="township")
    with pytest.raises(ValidationError) as refused:
        services.service_request_reroute(request=filed, actor=officer, department=elsewhere, note="x")
    assert "department" in refused.value.message_dict and len(events(filed)) == 1


def test_reroute_to_the_same_department_or_without_a_note_is_refused(filed, officer, department, tree):
    with pytest.raises(ValidationError):
        services.service_request_reroute(request=filed, actor=officer, department=department, note="x")
    with pytest.raises(ValidationError):
        services.service_request_reroute(request=filed, actor=officer,
                                         department=DepartmentFactory(region=tree["county"]), note="")


def test_admin_of_the_region_may_reroute_but_not_one_elsewhere(filed, county_admin, tree):
    target = DepartmentFactory(region=tree["county"])
    outsider = staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][1])
    with pytest.raises(PermissionDenied):
        services.service_request_reroute(request=filed, actor=outsider, department=target, note="x")
    services.service_request_reroute(request=filed, actor=county_admin, department=target, note="派给民政")
    assert filed.department == target


def test_reroute_after_completion_is_illegal(filed, officer, tree):
    completed(filed, officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_reroute(request=filed, actor=officer,
                                         department=DepartmentFactory(region=tree["county"]), note="x")


def test_claim_takes_an_unassigned_request_once(filed, officer, colleague):
    services.service_request_claim(request=filed, actor=officer)
    assert filed.assignee == officer
    with pytest.raises(ValidationError) as repeated:
        services.service_request_claim(request=filed, actor=officer)
    assert repeated.value.code == "already_assigned"
    with pytest.raises(PermissionDenied):
        services.service_request_claim(request=filed, actor=colleague)
    [event] = events(filed, "claim")
    assert event.internal and event.data == {"from_assignee": None, "to_assignee": officer.pk}


def test_claim_by_an_officer_of_another_department_is_refused(filed, other_officer):
    with pytest.raises(PermissionDenied):
        services.service_request_claim(request=filed, actor=other_officer)


def test_head_assigns_to_a_member_once(filed, head, officer, other_officer):
    with pytest.raises(ValidationError):
        services.service_request_assign(request=filed, actor=head, assignee=other_officer)
    services.service_request_assign(request=filed, actor=head, assignee=officer)
    assert ServiceRequest.objects.get(pk=filed.pk).assignee == officer
    with pytest.raises(ValidationError):
        services.service_request_assign(request=filed, actor=head, assignee=officer)
    assert len(events(filed, "assign")) == 1


def test_only_the_head_may_assign(filed, officer, colleague):
    with pytest.raises(PermissionDenied):
        services.service_request_assign(request=filed, actor=officer, assignee=colleague)


def test_assignee_transfers_to_a_colleague_with_a_note(filed, officer, colleague):
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=colleague, note="")
    services.service_request_transfer(request=filed, actor=officer, assignee=colleague, note="我休假")
    assert ServiceRequest.objects.get(pk=filed.pk).assignee == colleague
    with pytest.raises(PermissionDenied):  # no longer theirs
        services.service_request_transfer(request=filed, actor=officer, assignee=officer, note="拿回来")
    assert len(events(filed, "transfer")) == 1


def test_transfer_of_an_unassigned_request_or_to_an_outsider_is_refused(filed, officer, other_officer):
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=officer, note="x")
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=other_officer, note="x")


def test_notes_are_internal_unless_said_otherwise(filed, officer, operator):
    internal = services.service_request_note(request=filed, actor=officer, note="已电话联系申请人")
    public = services.service_request_note(request=filed, actor=operator, note="群众来电询问进度", internal=False)
    assert internal.internal and not public.internal
    assert (internal.from_status, internal.to_status) == (S.SUBMITTED, S.SUBMITTED)


@pytest.mark.parametrize("who", ["resident", "other_officer"])
def test_people_without_a_stake_cannot_add_notes(request, filed, who):
    with pytest.raises(PermissionDenied):
        services.service_request_note(request=filed, actor=request.getfixturevalue(who), note="x")


def test_empty_note_is_refused(filed, officer):
    with pytest.raises(ValidationError):
        services.service_request_note(request=filed, actor=officer, note="  ")


def test_service_updates_the_instance_it_was_given(filed, officer):
    returned = services.service_request_accept(request=filed, actor=officer)
    assert returned is filed and filed.status == S.ACCEPTED and filed.due_at is not None
