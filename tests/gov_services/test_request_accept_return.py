"""Request services, the first moves: accept (the clock starts), who may act, return for supplement,
resubmit (the clock resumes) and reject."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from accounts.roles import Role
from core.state_machine import TransitionNotAllowed
from gov_services.models import ServiceRequest
from gov_services.requests import services as services
from gov_services.requests.deadlines import WorkCalendar, add_working_days
from gov_services.requests.workflow import APPEAL_LIMIT_DAYS
from tests.factories import (
    DepartmentFactory,
    RoutingRuleFactory,
    UserFactory,
    pdf_bytes,
    staff_user,
    upload,
)
from tests.gov_services.request_helpers import EXE, appeal, counts, events, to_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- accept, return, resubmit, reject -------------------------------------------------------------

def test_accept_starts_the_clock_from_the_promised_limit(filed, officer):
    services.service_request_accept(request=filed, actor=officer, note="材料齐全")
    filed.refresh_from_db()
    assert filed.status == S.ACCEPTED
    assert filed.due_at == add_working_days(filed.accepted_at, 5, WorkCalendar())
    [event] = events(filed, "accept")
    assert (event.from_status, event.to_status, event.actor, event.note, event.internal) == (
        S.SUBMITTED, S.ACCEPTED, officer, "材料齐全", False)


def test_accepted_appeal_is_due_in_the_county_default_limit(submit, department, officer, tree):
    RoutingRuleFactory(county=tree["county"], department=department, category="help")
    DepartmentFactory(region=tree["county"], is_dispatch_desk=True)
    filed = appeal(submit)
    services.service_request_accept(request=filed, actor=officer)
    assert filed.due_at == add_working_days(filed.accepted_at, APPEAL_LIMIT_DAYS, WorkCalendar())


def test_double_click_on_accept_is_refused_and_records_one_event(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    stale = ServiceRequest.objects.get(pk=filed.pk)
    stale.status = S.SUBMITTED  # the second click was rendered before the first landed
    with pytest.raises(TransitionNotAllowed) as refused:
        services.service_request_accept(request=stale, actor=officer)
    assert refused.value.code == "illegal_transition" and stale.status == S.ACCEPTED
    assert len(events(filed, "accept")) == 1


def test_officer_of_another_department_cannot_act(filed, other_officer):
    for move in (services.service_request_accept, services.service_request_start_review):
        with pytest.raises(PermissionDenied):
            move(request=filed, actor=other_officer)
    with pytest.raises(PermissionDenied):
        services.service_request_reject(request=filed, actor=other_officer, note="x")
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.SUBMITTED and len(events(filed)) == 1


@pytest.mark.parametrize("who", ["operator", "resident", "county_admin"])
def test_people_outside_the_department_cannot_accept(request, filed, who):
    with pytest.raises(PermissionDenied):
        services.service_request_accept(request=filed, actor=request.getfixturevalue(who))


def test_once_assigned_only_the_assignee_or_the_head_may_move_it(filed, officer, colleague, head):
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(PermissionDenied):
        services.service_request_accept(request=filed, actor=colleague)
    services.service_request_accept(request=filed, actor=head)
    services.service_request_start_review(request=filed, actor=officer)
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.UNDER_REVIEW


def test_superuser_may_act_on_any_request(filed, superuser):
    services.service_request_accept(request=filed, actor=superuser)
    assert filed.status == S.ACCEPTED


def test_return_for_supplement_pauses_the_clock_and_says_what_is_missing(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    services.service_request_return(request=filed, actor=officer, note="缺户口簿首页")
    filed.refresh_from_db()
    assert filed.status == S.RETURNED and filed.paused_at is not None
    [event] = events(filed, "return_for_supplement")
    assert event.data == {"returned_from": S.ACCEPTED} and event.note == "缺户口簿首页" and not event.internal


def test_return_without_a_note_is_refused(filed, officer):
    with pytest.raises(ValidationError) as refused:
        services.service_request_return(request=filed, actor=officer, note=" ")
    assert "note" in refused.value.message_dict
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.SUBMITTED and len(events(filed)) == 1


def test_resubmit_resumes_the_clock_and_extends_the_deadline_by_the_pause(applicant, officer, resident, request_item):
    to_review(applicant, officer)
    services.service_request_return(request=applicant, actor=officer, note="缺户口簿")
    due_before = ServiceRequest.objects.get(pk=applicant.pk).due_at
    # The resident comes back a week later: seven calendar days hold exactly five working days.
    ServiceRequest.objects.filter(pk=applicant.pk).update(paused_at=F("paused_at") - datetime.timedelta(days=7))
    register = request_item.materials.get(name="户口簿")
    services.service_request_resubmit(request=applicant, actor=resident, note="补了户口簿",
                                      form_data={"purpose": "子女入学（补）"},
                                      attachments=[upload("户口簿.pdf", pdf_bytes(), register)])
    applicant.refresh_from_db()
    assert applicant.status == S.UNDER_REVIEW and applicant.paused_at is None
    assert applicant.due_at == add_working_days(due_before, 5, WorkCalendar())
    assert applicant.form_data == {"purpose": "子女入学（补）"}
    assert applicant.attachments.count() == 2
    [event] = events(applicant, "resubmit")
    assert (event.from_status, event.to_status, event.actor) == (S.RETURNED, S.UNDER_REVIEW, resident)


def test_resubmit_of_a_request_returned_before_acceptance_goes_back_to_submitted(filed, officer, operator):
    services.service_request_return(request=filed, actor=officer, note="身份证看不清")
    services.service_request_resubmit(request=filed, actor=operator)
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and filed.due_at is None and filed.paused_at is None


def test_resubmit_with_bad_form_data_or_a_disguised_file_changes_nothing(filed, officer, operator, id_card):
    services.service_request_return(request=filed, actor=officer, note="重拍")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.service_request_resubmit(request=filed, actor=operator, form_data={},
                                          attachments=[upload("x.jpg", EXE, id_card)])
    assert {"form_data.purpose", f"attachments.{id_card.pk}"} <= set(refused.value.message_dict)
    assert counts() == before and ServiceRequest.objects.get(pk=filed.pk).status == S.RETURNED


@pytest.mark.parametrize("who", ["officer", "other_station_operator", "stranger"])
def test_only_the_applicant_or_their_station_may_resubmit(request, filed, officer, other_station, who):
    services.service_request_return(request=filed, actor=officer, note="缺材料")
    if who == "other_station_operator":
        actor = staff_user(Role.OPERATOR, station=other_station)
    elif who == "stranger":
        actor = UserFactory(roles=[Role.RESIDENT])
    else:
        actor = officer
    with pytest.raises(PermissionDenied):
        services.service_request_resubmit(request=filed, actor=actor)


def test_resubmit_of_a_request_that_is_not_returned_is_illegal(filed, operator):
    with pytest.raises(TransitionNotAllowed):
        services.service_request_resubmit(request=filed, actor=operator)


def test_reject_needs_a_reason_and_is_only_possible_before_acceptance(submit, officer):
    filed = submit()
    with pytest.raises(ValidationError):
        services.service_request_reject(request=filed, actor=officer, note="")
    services.service_request_reject(request=filed, actor=officer, note="不属于本部门受理范围")
    assert filed.status == S.REJECTED
    accepted = submit()
    services.service_request_accept(request=accepted, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_reject(request=accepted, actor=officer, note="x")
