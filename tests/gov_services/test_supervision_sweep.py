"""The supervision sweep: cards, the escalation chain step by step, idempotency, text messages, and the
closing of requests left waiting for a supplement. Time is passed in (`now=`), never slept."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from core.models import SmsOutboxMessage
from gov_services.models import (
    Escalation,
    EscalationStep,
    RequestEvent,
    ServiceRequest,
    SupervisionCard,
    SupervisionSettings,
)
from gov_services.requests.deadlines import add_working_days
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision.services.casework import escalation_record_outcome
from gov_services.supervision.services.county_settings import (
    supervision_settings_ensure,
    supervision_settings_update,
)
from gov_services.supervision.services.sweep import supervision_sweep_run
from tests.factories import DepartmentFactory, ServiceItemFactory, ServiceRequestFactory
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.django_db

# Accepted Monday 3 March 2025 with a 10-working-day limit: due at the end of Monday 17 March.

@pytest.fixture
def office(tree):
    return Office(tree)

ACCEPTED = at(2025, 3, 3, 10)
YELLOW_TIME = at(2025, 3, 17, 9)   # the last day: > 90% used
RED_TIME = at(2025, 3, 18, 9)      # overdue


def _events(request, action):
    return list(RequestEvent.objects.filter(request=request, action=action))


def test_request_near_its_limit_gets_a_yellow_card_and_its_officer_a_text(office):
    request = office.accepted(ACCEPTED)
    sweep = supervision_sweep_run(now=YELLOW_TIME)
    assert sweep.counts["yellow"] == 1 and sweep.counts["red"] == 0
    card = SupervisionCard.objects.get(request=request)
    assert (card.level, card.department, card.issued_at) == ("yellow", office.department, YELLOW_TIME)
    [event] = _events(request, "card_yellow")
    assert event.internal and event.data["card"] == "yellow"
    escalation = Escalation.objects.get(request=request)
    assert (escalation.status, escalation.task, escalation.responsible) == ("notified", "none", office.officer)
    [sms] = SmsOutboxMessage.objects.filter(reference=request.tracking_code)
    assert (sms.phone, sms.purpose) == (office.officer.phone, "card_yellow")


def test_request_with_time_to_spare_gets_nothing(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=at(2025, 3, 14, 9))  # two working days left of ten
    assert not SupervisionCard.objects.filter(request=request).exists()
    assert not RequestEvent.objects.filter(request=request).exists()


def test_a_second_sweep_at_the_same_moment_issues_nothing_new(office):
    requests = [office.accepted(ACCEPTED) for _ in range(3)]
    first = supervision_sweep_run(now=RED_TIME)
    events, messages = RequestEvent.objects.count(), SmsOutboxMessage.objects.count()
    second = supervision_sweep_run(now=RED_TIME)
    assert first.counts["red"] == 3 and first.counts["escalations"] == 3
    assert (second.counts["yellow"], second.counts["red"], second.counts["escalations"]) == (0, 0, 0)
    assert RequestEvent.objects.count() == events and SmsOutboxMessage.objects.count() == messages
    assert SupervisionCard.objects.filter(request__in=requests).count() == 6


def test_overdue_request_gets_a_red_card_a_call_task_and_its_head_a_text(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=RED_TIME)
    assert set(SupervisionCard.objects.filter(request=request).values_list("level", flat=True)) == {"yellow", "red"}
    # the yellow step is skipped: the red card's steps speak for it
    [escalation] = Escalation.objects.filter(request=request)
    assert (escalation.task, escalation.status, escalation.card) == ("call", "open", "red")
    [sms] = SmsOutboxMessage.objects.filter(reference=request.tracking_code)
    assert (sms.phone, sms.purpose) == (office.head.phone, "escalation")
    assert len(_events(request, "card_red")) == 1 and len(_events(request, "escalate")) == 1


def test_the_chain_goes_step_by_step_to_the_organisation_department(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=YELLOW_TIME)                      # yellow: text to the officer
    supervision_sweep_run(now=RED_TIME)                         # red: supervision call
    supervision_sweep_run(now=at(2025, 3, 20, 18))              # red for 2 working days: nothing new
    assert list(Escalation.objects.filter(request=request).order_by("pk").values_list("task", flat=True)) == [
        "none", "call"]
    supervision_sweep_run(now=at(2025, 3, 21, 9))               # red for 3 working days: 约谈
    interview = Escalation.objects.get(request=request, task="interview")
    assert interview.named_person == office.head and interview.status == "open"
    [event] = _events(request, "escalate")[-1:]
    assert office.head.full_name in event.note


def test_a_paused_request_gets_no_card_however_late(office):
    request = office.accepted(ACCEPTED, status="returned", paused_at=at(2025, 3, 5))
    supervision_sweep_run(now=RED_TIME)
    assert not SupervisionCard.objects.filter(request=request).exists()


def test_a_completed_request_gets_no_card(office):
    request = office.accepted(ACCEPTED, status="completed", completed_at=at(2025, 3, 20))
    supervision_sweep_run(now=at(2025, 3, 25))
    assert not SupervisionCard.objects.filter(request=request).exists()


def test_an_escalation_is_not_taken_while_the_request_is_paused(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=RED_TIME)
    ServiceRequest.objects.filter(pk=request.pk).update(status="returned", paused_at=at(2025, 3, 18, 10))
    supervision_sweep_run(now=at(2025, 3, 28))
    assert not Escalation.objects.filter(request=request, task="interview").exists()


def test_a_county_may_card_earlier(office, tree):
    supervision_settings_ensure(county=tree["county"])
    SupervisionSettings.objects.filter(county=tree["county"]).update(yellow_percent=50)
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=at(2025, 3, 11, 9))  # 6 of 10 working days used
    assert SupervisionCard.objects.get(request=request).level == "yellow"


def test_a_deactivated_step_is_not_taken(office, tree):
    supervision_settings_ensure(county=tree["county"])
    EscalationStep.objects.filter(county=tree["county"], task="call").update(is_active=False)
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=RED_TIME)
    assert not Escalation.objects.filter(request=request).exists()
    assert SupervisionCard.objects.filter(request=request, level="red").exists()


def test_an_unassigned_request_texts_the_department_heads_for_the_officer(office):
    request = office.accepted(ACCEPTED)
    ServiceRequest.objects.filter(pk=request.pk).update(assignee=None)
    supervision_sweep_run(now=YELLOW_TIME)
    assert list(SmsOutboxMessage.objects.filter(reference=request.tracking_code).values_list("phone", flat=True)) \
        == [office.head.phone]


# --- Requests left waiting for the resident's supplement -------------------------------------------------

def test_a_request_returned_longer_than_the_county_allows_is_closed_with_the_reason(office):
    request = office.accepted(ACCEPTED, status="returned", paused_at=at(2025, 3, 3, 10))
    supervision_sweep_run(now=at(2025, 3, 28, 18))   # 19 working days
    request.refresh_from_db()
    assert request.status == "returned"
    sweep = supervision_sweep_run(now=at(2025, 3, 31, 9))   # 20 working days
    request.refresh_from_db()
    assert request.status == "closed" and sweep.counts["expired"] == 1
    [event] = _events(request, "expire")
    assert (event.from_status, event.to_status, event.internal) == ("returned", "closed", False)
    assert "2025-03-03" in event.note and "20" in event.note
    assert supervision_sweep_run(now=at(2025, 3, 31, 9)).counts["expired"] == 0


# --- Recording the outcome of a task ---------------------------------------------------------------------

@pytest.fixture
def call_task(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=RED_TIME)
    return Escalation.objects.get(request=request, task="call")


def test_the_supervision_office_records_the_call_and_its_outcome(call_task, county_admin):
    done = escalation_record_outcome(escalation=call_task, actor=county_admin, call_made=True,
                                     outcome="科长承诺周五前办结")
    assert (done.status, done.handled_by, done.outcome) == ("done", county_admin, "科长承诺周五前办结")
    assert done.call_made_at is not None
    note = RequestEvent.objects.filter(request=call_task.request, action="note").get()
    assert note.internal and "科长承诺周五前办结" in note.note


def test_recording_twice_is_refused_naming_who_recorded_first(call_task, county_admin):
    escalation_record_outcome(escalation=call_task, actor=county_admin, call_made=True, outcome="已督办")
    with pytest.raises(ValidationError) as refused:
        escalation_record_outcome(escalation=call_task, actor=county_admin, call_made=True, outcome="再次")
    assert str(county_admin) in refused.value.messages[0]
    assert RequestEvent.objects.filter(request=call_task.request, action="note").count() == 1


def test_a_township_admin_may_not_record_the_outcome(call_task, township_admin):
    with pytest.raises(PermissionDenied):
        escalation_record_outcome(escalation=call_task, actor=township_admin, call_made=True, outcome="x")
    call_task.refresh_from_db()
    assert call_task.status == "open"


def test_an_empty_outcome_is_refused(call_task, county_admin):
    with pytest.raises(ValidationError) as refused:
        escalation_record_outcome(escalation=call_task, actor=county_admin, call_made=False, outcome="  ")
    assert "outcome" in refused.value.message_dict


# --- Settings ------------------------------------------------------------------------------------------

def test_a_new_county_starts_with_the_default_chain_once(tree):
    supervision_settings_ensure(county=tree["county"])
    supervision_settings_ensure(county=tree["county"])
    assert list(EscalationStep.objects.filter(county=tree["county"]).values_list("card", "after_days", "task")) \
        == [("yellow", 0, "none"), ("red", 0, "call"), ("red", 3, "interview")]


def test_settings_refuse_a_red_card_before_the_yellow_one(tree, county_admin):
    with pytest.raises(ValidationError) as refused:
        supervision_settings_update(county=tree["county"], actor=county_admin, yellow_percent=90, red_percent=80,
                                    returned_close_days=20, weight_on_time=40, weight_satisfaction=30,
                                    weight_red_cards=20, weight_follow_ups=10)
    assert "red_percent" in refused.value.message_dict
    assert not SupervisionSettings.objects.filter(county=tree["county"], red_percent=80).exists()


# --- The command -----------------------------------------------------------------------------------------

def test_the_supervise_command_sweeps_with_a_progress_bar(office):
    office.accepted(ACCEPTED)
    out = StringIO()
    call_command("supervise", "--at", "2025-03-18T09:00", stdout=out)
    text = out.getvalue()
    assert "100%" in text and "1 red" in text
    out = StringIO()
    call_command("supervise", "--at", "2025-03-18T09:00", stdout=out)
    assert "0 yellow, 0 red, 0 escalations" in out.getvalue()


def test_a_city_departments_overdue_request_is_carded_under_the_citys_chain(office, tree):
    """市直部门: no county's sweep covers a city-level department; the sweep gives the city its own chain."""
    city_office = DepartmentFactory(region=tree["city"], name="市公积金中心")
    item = ServiceItemFactory(department=city_office, promised_limit_days=10, legal_limit_days=20)
    request = ServiceRequestFactory(item=item, department=city_office, station=office.stations[0],
                                    status="accepted", accepted_at=ACCEPTED, assignee=office.officer,
                                    due_at=add_working_days(ACCEPTED, 10, work_calendar()))
    assert request.department == city_office
    sweep = supervision_sweep_run(now=RED_TIME)
    assert set(SupervisionCard.objects.filter(request=request).values_list("level", flat=True)) == {"yellow", "red"}
    assert Escalation.objects.filter(request=request, task="call").exists()
    assert SupervisionSettings.objects.filter(county=tree["city"]).exists()
    assert supervision_sweep_run(now=RED_TIME).counts["red"] == 0 and sweep.counts["red"] == 1
