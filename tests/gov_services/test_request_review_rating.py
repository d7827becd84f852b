"""Request services, the end of the way: review, approval or refusal, completion, the resident's rating
(a dissatisfied one opens a follow-up) and closing."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.state_machine import TransitionNotAllowed
from gov_services.models import FollowUp, Rating, ServiceRequest
from gov_services.requests import services as services
from tests.gov_services.request_helpers import completed, events, to_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- review, result, rating, close ----------------------------------------------------------------

def test_the_whole_way_from_submit_to_closed_records_one_event_per_move(applicant, officer, resident):
    completed(applicant, officer)
    services.service_request_rate(request=applicant, actor=resident, score=5, comment="办得快")
    services.service_request_close(request=applicant, actor=officer)
    applicant.refresh_from_db()
    assert applicant.status == S.CLOSED and applicant.completed_at is not None
    assert [(e.action, e.from_status, e.to_status) for e in events(applicant)] == [
        ("submit", "", "submitted"), ("claim", "submitted", "submitted"), ("accept", "submitted", "accepted"),
        ("start_review", "accepted", "under_review"), ("approve", "under_review", "approved"),
        ("complete", "approved", "completed"), ("rate", "completed", "rated"), ("close", "rated", "closed")]


def test_refusal_needs_a_reason_and_is_then_completed(filed, officer):
    to_review(filed, officer)
    with pytest.raises(ValidationError):
        services.service_request_refuse(request=filed, actor=officer, note="")
    services.service_request_refuse(request=filed, actor=officer, note="不符合低保条件")
    services.service_request_complete(request=filed, actor=officer)
    assert filed.status == S.COMPLETED and events(filed, "refuse")[0].note == "不符合低保条件"


def test_approve_before_review_is_illegal(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_approve(request=filed, actor=officer, note="同意")


def test_resident_rates_once_and_satisfied_opens_no_follow_up(applicant, officer, resident):
    completed(applicant, officer)
    rating = services.service_request_rate(request=applicant, actor=resident, score=4, comment="满意")
    assert (rating.score, rating.comment, rating.request) == (4, "满意", applicant)
    assert not FollowUp.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        services.service_request_rate(request=applicant, actor=resident, score=1)
    assert Rating.objects.count() == 1 and len(events(applicant, "rate")) == 1


@pytest.mark.parametrize("score", [1, 2])
def test_dissatisfied_rating_opens_a_follow_up(applicant, officer, resident, score):
    completed(applicant, officer)
    services.service_request_rate(request=applicant, actor=resident, score=score, comment="没人回电话")
    assert FollowUp.objects.get(request=applicant).status == FollowUp.Status.OPEN


@pytest.mark.parametrize("score", [0, 6, "5", None, True])
def test_rating_outside_the_scale_is_refused(applicant, officer, resident, score):
    completed(applicant, officer)
    with pytest.raises(ValidationError):
        services.service_request_rate(request=applicant, actor=resident, score=score)
    assert not Rating.objects.exists() and ServiceRequest.objects.get(pk=applicant.pk).status == S.COMPLETED


def test_operator_may_rate_at_the_counter_for_the_resident(filed, officer, operator):
    completed(filed, officer)
    services.service_request_rate(request=filed, actor=operator, score=3)
    assert filed.status == S.RATED


@pytest.mark.parametrize("who", ["officer", "resident"])
def test_officers_and_other_residents_cannot_rate(request, filed, officer, who):
    completed(filed, officer)
    with pytest.raises(PermissionDenied):
        services.service_request_rate(request=filed, actor=request.getfixturevalue(who), score=5)


def test_rating_before_completion_is_illegal(applicant, resident):
    with pytest.raises(TransitionNotAllowed):
        services.service_request_rate(request=applicant, actor=resident, score=5)


def test_rejected_request_can_be_closed_by_a_county_admin(filed, officer, county_admin):
    services.service_request_reject(request=filed, actor=officer, note="重复申请")
    services.service_request_close(request=filed, actor=county_admin)
    assert filed.status == S.CLOSED
