"""Follow-ups of dissatisfied ratings (回访): the callback deadline (working days, per county), the list for
county and township admins scoped to their region, recording the callback (resolved, reopened, not
reached) with its events, a double submit recorded once, and the follow-ups in the assessment."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from gov_services.models import FollowUp, FollowUpCallback, Rating, RequestEvent, SupervisionSettings
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision.department_assessment import department_assessment
from gov_services.supervision.selectors import follow_up_list
from gov_services.supervision.services.casework import follow_up_record_callback
from gov_services.supervision.services.county_settings import supervision_settings_update
from tests.gov_services.supervision_helpers import Office, at, end_of

pytestmark = pytest.mark.django_db

RATED = at(2025, 3, 3, 10)  # Monday: 15 working days later is Monday 24 March


@pytest.fixture
def office(tree):
    return Office(tree)


def _follow_up(office, *, township=0, opened=RATED, score=Rating.Score.DISSATISFIED):
    request = office.accepted(at(2025, 2, 10), township=township, status="rated")
    Rating.objects.create(request=request, score=score)
    follow_up = FollowUp.objects.create(request=request)
    FollowUp.objects.filter(pk=follow_up.pk).update(opened_at=opened)
    follow_up.refresh_from_db()
    return follow_up


def _listed(user, county, state, now):
    return {f.pk for f in follow_up_list(user=user, county=county, state=state, now=now, calendar=work_calendar())}


def test_the_deadline_is_fifteen_working_days_by_default(office, county_admin, tree):
    follow_up = _follow_up(office)
    county = tree["county"]
    assert _listed(county_admin, county, "overdue", end_of(2025, 3, 24)) == set()   # the last day
    assert _listed(county_admin, county, "overdue", at(2025, 3, 25, 0, 1)) == {follow_up.pk}
    assert _listed(county_admin, county, "open", at(2025, 3, 25)) == {follow_up.pk}


def test_the_county_sets_the_callback_limit(office, county_admin, tree):
    follow_up = _follow_up(office)
    county = tree["county"]
    config = SupervisionSettings(county=county)
    supervision_settings_update(county=county, actor=county_admin, yellow_percent=config.yellow_percent,
                                red_percent=config.red_percent, returned_close_days=config.returned_close_days,
                                weight_on_time=40, weight_satisfaction=30, weight_red_cards=20,
                                weight_follow_ups=10, follow_up_days=5)
    assert _listed(county_admin, county, "overdue", end_of(2025, 3, 10)) == set()
    assert _listed(county_admin, county, "overdue", at(2025, 3, 11)) == {follow_up.pk}


def test_a_township_admin_sees_and_records_only_their_township(office, township_admin, county_admin, tree):
    mine, theirs = _follow_up(office, township=0), _follow_up(office, township=1)
    county = tree["county"]
    assert _listed(township_admin, county, "open", at(2025, 3, 5)) == {mine.pk}
    assert _listed(county_admin, county, "open", at(2025, 3, 5)) == {mine.pk, theirs.pk}
    with pytest.raises(PermissionDenied):
        follow_up_record_callback(follow_up=theirs, actor=township_admin, submission=uuid.uuid4(),
                                  result="resolved", outcome="说明了政策")
    follow_up_record_callback(follow_up=mine, actor=township_admin, submission=uuid.uuid4(),
                              result="resolved", outcome="说明了政策")


@pytest.mark.parametrize("who", ["operator", "officer", "resident"])
def test_the_list_is_only_for_admins(client, request, who, office):
    follow_up = _follow_up(office)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("gov_services:follow-up-list")).status_code == 403
    assert client.get(reverse("gov_services:follow-up-detail", args=[follow_up.pk])).status_code == 403


def test_the_pages_are_scoped_for_a_township_admin(client, township_admin, office):
    mine, theirs = _follow_up(office, township=0), _follow_up(office, township=1)
    client.force_login(township_admin)
    response = client.get(reverse("gov_services:follow-up-list"), {"state": "overdue"})
    assert response.status_code == 200
    assert [f.pk for f in response.context["follow_ups"]] == [mine.pk]
    assert response.context["follow_ups"][0].overdue
    assert response.context["counts"] == {"open": 1, "overdue": 1}
    assert client.get(reverse("gov_services:follow-up-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("gov_services:follow-up-detail", args=[mine.pk])).status_code == 200


def test_a_resolving_callback_closes_the_follow_up_with_events(office, county_admin):
    follow_up = _follow_up(office)
    callback = follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(),
                                         result="resolved", outcome="已补发证明，群众表示认可")
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("done", "已补发证明，群众表示认可")
    assert follow_up.closed_at is not None and callback.recorded_by == county_admin
    [event] = RequestEvent.objects.filter(request=follow_up.request, action="note")
    assert event.internal and event.data == {"follow_up": follow_up.pk, "callback": callback.pk,
                                             "result": "resolved"}
    audit = AuditEvent.objects.get(action="follow_up.callback_recorded")
    assert audit.data["result"] == "resolved" and audit.data["status"] == "done"
    with pytest.raises(ValidationError) as error:
        follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(),
                                  result="resolved", outcome="again")
    assert error.value.code == "already_closed"


@pytest.mark.parametrize("result", ["reopened", "not_reached"])
def test_reopened_or_unreached_leaves_the_follow_up_open(office, county_admin, result):
    follow_up = _follow_up(office)
    follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(), result=result,
                              outcome="无人接听" if result == "not_reached" else "退回部门重新办理")
    follow_up.refresh_from_db()
    assert follow_up.status == "open" and follow_up.closed_at is None
    follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(),
                              result="resolved", outcome="已解决")
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.callbacks.count() == 2


def test_an_empty_outcome_or_unknown_result_is_refused(office, county_admin):
    follow_up = _follow_up(office)
    with pytest.raises(ValidationError):
        follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(),
                                  result="resolved", outcome="  ")
    with pytest.raises(ValidationError):
        follow_up_record_callback(follow_up=follow_up, actor=county_admin, submission=uuid.uuid4(),
                                  result="maybe", outcome="x")
    assert not FollowUpCallback.objects.exists()


def test_a_double_submit_records_one_callback(client, county_admin, office):
    follow_up = _follow_up(office)
    client.force_login(county_admin)
    url = reverse("gov_services:follow-up-detail", args=[follow_up.pk])
    form = client.get(url).context["form"]
    data = {"result": "not_reached", "outcome": "无人接听", "submission": str(form.initial["submission"])}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert FollowUpCallback.objects.filter(follow_up=follow_up).count() == 1
    assert RequestEvent.objects.filter(request=follow_up.request, action="note").count() == 1
    assert AuditEvent.objects.filter(action="follow_up.callback_recorded").count() == 1


def test_a_second_submit_after_closing_says_who_closed_it(client, county_admin, office):
    follow_up = _follow_up(office)
    client.force_login(county_admin)
    url = reverse("gov_services:follow-up-detail", args=[follow_up.pk])
    client.post(url, {"result": "resolved", "outcome": "已解决", "submission": str(uuid.uuid4())})
    again = client.post(url, {"result": "resolved", "outcome": "已解决", "submission": str(uuid.uuid4())},
                        follow=True)
    assert any(str(county_admin) in str(m) for m in again.context["messages"])
    assert again.context["form"] is None
    assert FollowUpCallback.objects.count() == 1


def test_the_detail_page_shows_the_deadline_in_english(client, county_admin, office):
    follow_up = _follow_up(office)
    client.force_login(county_admin)
    with translation.override("en"):
        response = client.get(reverse("gov_services:follow-up-detail", args=[follow_up.pk]),
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["follow_up"].due_at.date() == date(2025, 3, 24)


def test_done_follow_ups_count_in_the_assessment(office, county_admin, tree):
    done, _open = _follow_up(office), _follow_up(office)
    follow_up_record_callback(follow_up=done, actor=county_admin, submission=uuid.uuid4(),
                              result="resolved", outcome="已解决")
    [row] = department_assessment(user=county_admin, county=tree["county"], month=date(2025, 3, 1))
    assert (row.figures.follow_ups, row.figures.follow_ups_done) == (2, 1)
    assert row.components["follow_ups"] == 0.5
