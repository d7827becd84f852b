"""Follow-up of bad ratings, the end of the loop: the resident's one re-rating after a resolved callback
(the first score kept), and the department's one appeal of an unfair rating, decided by the county
(upheld: the rating is set aside and leaves the satisfaction figures). Access: the applicant (or the
tracking proof) re-rates; officers of the request's department appeal; admins of its county decide."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEvent
from gov_services.models import FollowUp, Rating, RatingAppeal, RequestEvent
from gov_services.requests.services.ratings import (
    service_request_rate,
    service_request_rerate,
    service_request_rerate_by_tracking,
)
from gov_services.requests.workflow import Action
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision.department_assessment import department_assessment
from gov_services.supervision.selectors import follow_up_list
from gov_services.supervision.services.casework import (
    follow_up_record_callback,
    rating_appeal_decide,
    rating_appeal_submit,
)
from reports.selectors.gov_kpis import _request_counts
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    UserFactory,
    county_tree,
    staff_user,
)
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def office(tree):
    return Office(tree)


def _rated(office, resident, score=Rating.Score.DISSATISFIED, township=0):
    request = office.accepted(at(2025, 2, 10), township=township, status="completed", applicant_user=resident,
                              applicant_phone=PHONE)
    service_request_rate(request=request, actor=resident, score=score, comment="没人理我")
    request.refresh_from_db()
    return request


def _resolve(request, admin):
    return follow_up_record_callback(follow_up=request.follow_up, actor=admin, submission=uuid.uuid4(),
                                     result="resolved", outcome="已解释政策")


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


# --- Re-rating ----------------------------------------------------------------------------------------

def test_no_rerating_before_a_resolved_callback(office, resident, county_admin):
    request = _rated(office, resident)
    with pytest.raises(ValidationError) as error:
        service_request_rerate(request=request, actor=resident, score=5)
    assert error.value.code == "no_callback"
    follow_up_record_callback(follow_up=request.follow_up, actor=county_admin, submission=uuid.uuid4(),
                              result="not_reached", outcome="无人接听")
    with pytest.raises(ValidationError):
        service_request_rerate(request=request, actor=resident, score=5)


def test_rerating_keeps_the_first_score_and_counts_once(office, resident, county_admin):
    request = _rated(office, resident)
    _resolve(request, county_admin)
    rating = service_request_rerate(request=request, actor=resident, score=4, comment="回访后满意")
    rating.refresh_from_db()
    assert (rating.score, rating.original_score, rating.original_comment) == (4, 2, "没人理我")
    assert rating.comment == "回访后满意" and rating.rerated_at is not None
    event = RequestEvent.objects.get(request=request, action=Action.RERATE)
    assert event.data["score"] == 4 and event.data["original_score"] == 2 and not event.internal
    assert _audits("rating.rerated") == 1
    request.refresh_from_db()
    assert request.status == "rated"  # the status does not move
    with pytest.raises(ValidationError) as error:
        service_request_rerate(request=request, actor=resident, score=1)
    assert error.value.code == "already_rerated"
    rating.refresh_from_db()
    assert rating.score == 4 and _audits("rating.rerated") == 1


def test_only_the_applicant_rerates(office, resident, county_admin):
    request = _rated(office, resident)
    _resolve(request, county_admin)
    stranger = UserFactory(roles=[Role.RESIDENT])
    for actor in (stranger, office.officer):
        with pytest.raises(PermissionDenied):
            service_request_rerate(request=request, actor=actor, score=5)
    assert not Rating.objects.get(request=request).rerated_at


def test_rerating_by_tracking_code_and_phone(office, resident, county_admin):
    request = _rated(office, resident)
    _resolve(request, county_admin)
    with pytest.raises(PermissionDenied):
        service_request_rerate_by_tracking(tracking_code=request.tracking_code, phone_last4="0000", score=5)
    rating = service_request_rerate_by_tracking(tracking_code=request.tracking_code, phone_last4=PHONE[-4:],
                                                score=5)
    assert (rating.score, rating.original_score) == (5, 2)
    assert RequestEvent.objects.get(request=request, action=Action.RERATE).actor is None


def test_rerate_on_the_residents_page(client, office, resident, county_admin):
    request = _rated(office, resident)
    client.force_login(resident)
    page = reverse("gov_services:resident-service-request-detail", args=[request.pk])
    assert "回访后再评价" not in client.get(page).content.decode()  # "Rate again after the callback"
    _resolve(request, county_admin)
    assert "回访后再评价" in client.get(page).content.decode()
    url = reverse("gov_services:resident-service-request-rerate", args=[request.pk])
    response = client.post(url, {"rerate-score": "5", "rerate-comment": "好"})
    assert response.status_code == 302
    assert Rating.objects.get(request=request).score == 5
    response = client.post(url, {"rerate-score": "1"}, follow=True)
    assert Rating.objects.get(request=request).score == 5
    other = UserFactory(roles=[Role.RESIDENT])
    client.force_login(other)
    assert client.post(url, {"rerate-score": "1"}).status_code == 404


# --- Appeals ------------------------------------------------------------------------------------------

def test_the_department_appeals_once_and_a_double_submit_appeals_once(office, resident):
    request = _rated(office, resident)
    key = uuid.uuid4()
    appeal = rating_appeal_submit(rating=request.rating, actor=office.officer, submission=key,
                                  reason="居民所述与事实不符")
    again = rating_appeal_submit(rating=request.rating, actor=office.officer, submission=key, reason="再次")
    assert again.pk == appeal.pk and RatingAppeal.objects.count() == 1
    assert appeal.status == RatingAppeal.Status.PENDING and appeal.score == 2
    with pytest.raises(ValidationError) as error:
        rating_appeal_submit(rating=request.rating, actor=office.head, submission=uuid.uuid4(), reason="再申诉")
    assert error.value.code == "already_appealed"
    event = RequestEvent.objects.get(request=request, action=Action.RATING_APPEAL)
    assert event.internal and event.actor == office.officer
    assert _audits("rating.appeal_submitted") == 1


def test_a_satisfied_rating_cannot_be_appealed_and_a_reason_is_needed(office, resident):
    happy = _rated(office, resident, score=Rating.Score.SATISFIED)
    with pytest.raises(ValidationError) as error:
        rating_appeal_submit(rating=happy.rating, actor=office.head, submission=uuid.uuid4(), reason="x")
    assert error.value.code == "not_dissatisfied"
    sad = _rated(office, resident)
    with pytest.raises(ValidationError):
        rating_appeal_submit(rating=sad.rating, actor=office.head, submission=uuid.uuid4(), reason="  ")
    assert not RatingAppeal.objects.exists()


def test_an_officer_of_another_department_may_not_appeal(office, resident, tree):
    request = _rated(office, resident)
    outsider = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=outsider, is_head=True)
    for actor in (outsider, resident):
        with pytest.raises(PermissionDenied):
            rating_appeal_submit(rating=request.rating, actor=actor, submission=uuid.uuid4(), reason="不公平")
    assert not RatingAppeal.objects.exists()


def _appealed(office, resident, **kwargs):
    request = _rated(office, resident, **kwargs)
    return request, rating_appeal_submit(rating=request.rating, actor=office.officer, submission=uuid.uuid4(),
                                         reason="居民所述与事实不符")


def test_upheld_sets_the_rating_aside_in_every_figure(office, resident, county_admin, tree):
    request, appeal = _appealed(office, resident)
    month = date.today().replace(day=1)

    def assessed():
        row = next(r for r in department_assessment(user=county_admin, county=tree["county"], month=month)
                   if r.department == office.department)
        return row.figures.rated

    assert assessed() == 1
    kpis = _request_counts(Q(pk=request.pk), [])
    assert next(iter(kpis.values()))["rated"] == 1
    rating_appeal_decide(appeal=appeal, actor=county_admin, upheld=True, note="经核实，评价与事实不符")
    appeal.refresh_from_db()
    request.rating.refresh_from_db()
    assert appeal.status == RatingAppeal.Status.UPHELD and appeal.decided_by == county_admin
    assert request.rating.set_aside
    assert assessed() == 0
    assert next(iter(_request_counts(Q(pk=request.pk), []).values()))["rated"] == 0
    assert RequestEvent.objects.get(request=request, action=Action.RATING_APPEAL_DECIDED).internal
    assert _audits("rating.appeal_decided") == 1
    with pytest.raises(ValidationError) as error:
        rating_appeal_decide(appeal=appeal, actor=county_admin, upheld=False, note="改判")
    assert error.value.code == "already_decided"


def test_rejected_leaves_the_rating_counting(office, resident, county_admin):
    request, appeal = _appealed(office, resident)
    rating_appeal_decide(appeal=appeal, actor=county_admin, upheld=False, note="评价属实")
    appeal.refresh_from_db()
    request.rating.refresh_from_db()
    assert appeal.status == RatingAppeal.Status.REJECTED and not request.rating.set_aside
    with pytest.raises(ValidationError):
        rating_appeal_decide(appeal=appeal, actor=county_admin, upheld=False, note="")


def test_only_admins_of_the_county_decide(office, resident, township_admin):
    _request, appeal = _appealed(office, resident)
    other = county_tree()
    stranger = staff_user(Role.COUNTY_ADMIN, region=other["county"])
    for actor in (stranger, township_admin, office.head):
        with pytest.raises(PermissionDenied):
            rating_appeal_decide(appeal=appeal, actor=actor, upheld=True, note="不行")
    appeal.refresh_from_db()
    assert appeal.status == RatingAppeal.Status.PENDING


def test_pending_appeals_are_listed_for_the_county(office, resident, county_admin, tree):
    request, _appeal = _appealed(office, resident)
    _rated(office, resident)  # a follow-up without an appeal
    listed = {f.pk for f in follow_up_list(user=county_admin, county=tree["county"], state="appealed",
                                           now=at(2025, 3, 5), calendar=work_calendar())}
    assert listed == {FollowUp.objects.get(request=request).pk}


# --- Screens ------------------------------------------------------------------------------------------

def test_the_department_appeals_from_its_request_page(client, office, resident, tree):
    request = _rated(office, resident)
    client.force_login(office.officer)
    page = reverse("gov_services:dept-request-detail", args=[request.pk])
    assert "对该评价提出申诉" in client.get(page).content.decode()  # "Appeal this rating"
    url = reverse("gov_services:dept-rating-appeal", args=[request.pk])
    key = str(uuid.uuid4())
    assert client.post(url, {"reason": "不实", "submission": key}).status_code == 302
    assert client.post(url, {"reason": "不实", "submission": key}).status_code == 302
    assert RatingAppeal.objects.count() == 1
    outsider = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=outsider)
    client.force_login(outsider)
    assert client.post(url, {"reason": "不实", "submission": str(uuid.uuid4())}).status_code == 404
    assert RatingAppeal.objects.count() == 1


def test_the_county_decides_on_the_follow_up_page(client, office, resident, county_admin, township_admin):
    request, appeal = _appealed(office, resident)
    follow_up = FollowUp.objects.get(request=request)
    page = reverse("gov_services:follow-up-detail", args=[follow_up.pk])
    url = reverse("gov_services:follow-up-appeal-decide", args=[follow_up.pk])
    client.force_login(township_admin)
    body = client.get(page).content.decode()
    assert "居民所述与事实不符" in body and "裁定申诉" not in body  # "Decide the appeal"
    assert client.post(url, {"decision": "upheld", "note": "x"}).status_code == 403
    assert client.get(url).status_code == 403  # the county's decision is not the township's page
    client.force_login(county_admin)
    assert client.get(url).url == page
    assert "裁定申诉" in client.get(page).content.decode()
    assert client.post(url, {"decision": "upheld", "note": "经核实"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == RatingAppeal.Status.UPHELD
    response = client.post(url, {"decision": "rejected", "note": "改判"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == RatingAppeal.Status.UPHELD


def test_the_list_shows_pending_appeals_to_township_and_county_admins(client, office, resident, county_admin,
                                                                       township_admin):
    request, _appeal = _appealed(office, resident)
    follow_up = FollowUp.objects.get(request=request)
    for admin in (county_admin, township_admin):
        client.force_login(admin)
        response = client.get(reverse("gov_services:follow-up-list"), {"state": "appealed"})
        assert response.status_code == 200
        assert [f.pk for f in response.context["follow_ups"]] == [follow_up.pk]
        assert response.context["appealed"] == 1


def test_rerating_from_the_tracking_page(client, office, resident, county_admin):
    request = _rated(office, resident)
    _resolve(request, county_admin)
    track = reverse("gov_services:track")
    assert client.post(track, {"code": request.tracking_code, "phone_last4": PHONE[-4:]}).status_code == 302
    response = client.post(reverse("gov_services:track-rerate"),
                           {"code": request.tracking_code, "rerate-score": "4"})
    assert response.status_code == 302
    rating = Rating.objects.get(request=request)
    assert (rating.score, rating.original_score) == (4, 2)
