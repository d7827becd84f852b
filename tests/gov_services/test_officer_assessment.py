"""Assessment down to the person: per-officer figures, the officers' share in the department's score,
and the resident's rating of the officer who handled the request."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.timeutil import start_of_day
from gov_services.models import Rating, RequestEvent, SupervisionSettings
from gov_services.requests import services as request_services
from gov_services.requests.selectors.requests import request_handler_id
from gov_services.requests.workflow import Action
from gov_services.supervision.department_assessment import department_assessment
from gov_services.supervision.officer_assessment import officer_assessment
from gov_services.supervision.rules import AssessmentWeights, OfficerFigures, combined_score, officer_score
from tests.factories import (
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
# Request events are append-only and stamped when written: the seeded month is this one.
MARCH = timezone.localdate().replace(day=1)
NEXT_MONTH = (MARCH + datetime.timedelta(days=32)).replace(day=1)


def at(day: int) -> datetime.datetime:
    """09:00 on `day` of this month (days past the month's end are clamped to its last day)."""
    date = min(MARCH + datetime.timedelta(days=day - 1), NEXT_MONTH - datetime.timedelta(days=1))
    return start_of_day(date) + datetime.timedelta(hours=9)


@pytest.fixture
def team(department):
    """A head and two officers of the department, and one officer of another department."""
    people = {name: UserFactory(username=name) for name in ("head", "ann", "bo")}
    DepartmentMembershipFactory(department=department, user=people["head"], is_head=True)
    for name in ("ann", "bo"):
        DepartmentMembershipFactory(department=department, user=people[name])
    return people


@pytest.fixture
def seeded(department, team, tree):
    """This month: Ann completed two (one late) and returned one; Bo completed one on time and holds
    one overdue; the residents rated Ann 5 and 1, Bo 4."""
    item = ServiceItemFactory(department=department, promised_limit_days=10)
    village = tree["villages"][0]

    def request(assignee, **fields):
        return ServiceRequestFactory(item=item, village=village, assignee=assignee, accepted_at=at(1),
                                     **fields)

    a1 = request(team["ann"], status="rated", due_at=at(15), completed_at=at(10))
    a2 = request(team["ann"], status="completed", due_at=at(15), completed_at=at(20))
    b1 = request(None, status="rated", due_at=at(15), completed_at=at(12))
    RequestEvent.objects.create(request=b1, actor=team["bo"], action=Action.APPROVE)  # Bo last moved it
    request(team["bo"], status="under_review", due_at=timezone.now() - datetime.timedelta(minutes=1))  # overdue
    returned = request(team["ann"], status="returned", due_at=None)
    RequestEvent.objects.create(request=returned, actor=team["ann"], action=Action.RETURN_FOR_SUPPLEMENT)
    Rating.objects.create(request=a1, score=5, officer=team["ann"], officer_score=5)
    Rating.objects.create(request=a2, score=2, officer=team["ann"], officer_score=1)
    Rating.objects.create(request=b1, score=4, officer=team["bo"], officer_score=4)
    return {"a1": a1, "b1": b1}


def rows_by_name(rows):
    return {row.officer.username: row for row in rows}


def test_per_officer_figures_on_seeded_data(seeded, team, county_admin, tree):
    rows = rows_by_name(officer_assessment(user=county_admin, month=MARCH, county=tree["county"]))
    ann, bo, head = rows["ann"].figures, rows["bo"].figures, rows["head"].figures
    assert (ann.handled, ann.on_time, ann.returned, ann.rated, ann.satisfied, ann.overdue) == (2, 1, 1, 2, 1, 0)
    assert (bo.handled, bo.on_time, bo.returned, bo.rated, bo.satisfied, bo.overdue) == (1, 1, 0, 1, 1, 1)
    assert head == OfficerFigures() and rows["head"].score is None
    # 40·½ + 30·½ = 50 for Ann; everything on time and satisfied for Bo.
    assert (str(rows["ann"].score), str(rows["bo"].score)) == ("50.0", "100.0")
    assert officer_assessment(user=county_admin, month=NEXT_MONTH, county=tree["county"])[0].figures.handled == 0


def test_an_officer_sees_own_figures_a_head_the_department_and_others_nothing(seeded, team, resident):
    assert set(rows_by_name(officer_assessment(user=team["ann"], month=MARCH))) == {"ann"}
    assert set(rows_by_name(officer_assessment(user=team["head"], month=MARCH))) == {"ann", "bo", "head"}
    with pytest.raises(PermissionDenied):
        officer_assessment(user=resident, month=MARCH)


def test_the_monthly_assessment_weights_the_officers_in(seeded, department, county_admin, tree):
    plain = department_assessment(user=county_admin, county=tree["county"], month=MARCH)[0]
    SupervisionSettings.objects.create(county=tree["county"], officer_share=50)
    mixed = department_assessment(user=county_admin, county=tree["county"], month=MARCH)[0]
    assert mixed.department_score == plain.score and str(mixed.officers_score) == "75.0"
    assert mixed.score == combined_score(plain.score, [Decimal(50), Decimal(100)], officer_share=50)
    assert mixed.score == ((plain.score + Decimal("75")) / 2).quantize(Decimal("0.1"))


def test_officer_score_and_combination_rules():
    weights = AssessmentWeights()
    assert officer_score(OfficerFigures(), weights) is None
    assert officer_score(OfficerFigures(handled=4, on_time=3), weights) == Decimal("75.0")
    assert combined_score(Decimal(80), [None], officer_share=30) == Decimal(80)
    assert combined_score(None, [Decimal(60)], officer_share=30) == Decimal("60.0")
    assert combined_score(Decimal(80), [Decimal(60), Decimal(40)], officer_share=0) == Decimal(80)


# --- The resident rates the officer -----------------------------------------------------------------

@pytest.fixture
def completed(department, team, resident, tree):
    item = ServiceItemFactory(department=department, promised_limit_days=10)
    request = ServiceRequestFactory(item=item, village=tree["villages"][0], applicant_user=resident)
    for move in (request_services.service_request_accept, request_services.service_request_start_review,
                 request_services.service_request_approve, request_services.service_request_complete):
        move(request=request, actor=team["bo"],
             **({"note": "同意"} if move is request_services.service_request_approve else {}))
    return request


def test_the_resident_rates_the_department_and_the_officer_who_handled_it(completed, team, resident):
    assert request_handler_id(completed) == team["bo"].pk
    rating = request_services.service_request_rate(request=completed, actor=resident, score=4, officer_score=2)
    assert (rating.score, rating.officer, rating.officer_score) == (4, team["bo"], 2)
    event = completed.events.get(action=Action.RATE)
    assert event.data["officer"] == team["bo"].pk and event.data["officer_score"] == 2


def test_the_officer_rating_is_optional_and_checked(completed, resident):
    with pytest.raises(ValidationError) as bad:
        request_services.service_request_rate(request=completed, actor=resident, score=4, officer_score=9)
    assert "officer_score" in bad.value.message_dict and not Rating.objects.exists()
    rating = request_services.service_request_rate(request=completed, actor=resident, score=5)
    assert rating.officer is None and rating.officer_score is None


def test_the_rating_form_posts_the_officer_rating(client, completed, team, resident):
    client.force_login(resident)
    detail = reverse("gov_services:resident-service-request-detail", args=[completed.pk])
    assert "rating-officer_score" in client.get(detail).content.decode()
    response = client.post(reverse("gov_services:resident-service-request-rate", args=[completed.pk]),
                           {"rating-score": "5", "rating-officer_score": "3"})
    assert response.status_code == 302
    assert Rating.objects.get(request=completed).officer_score == 3


def test_the_officer_figures_page_by_role(client, seeded, team, county_admin, resident):
    url = reverse("gov_services:officer-assessment")
    client.force_login(team["ann"])
    response = client.get(url, {"month": f"{MARCH:%Y-%m}"})
    assert response.status_code == 200 and [r.officer for r in response.context["rows"]] == [team["ann"]]
    client.force_login(county_admin)
    response = client.get(url, {"month": f"{MARCH:%Y-%m}"})
    assert {r.officer.username for r in response.context["rows"]} >= {"ann", "bo", "head"}
    client.force_login(resident)
    assert client.get(url).status_code == 403
