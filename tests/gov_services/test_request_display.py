"""gov_services/requests/display.py: the one deadline vocabulary (pure, at its boundaries), the timeline
for each audience (staff, resident, public), the "what is missing" note, the material checklist, and
the pages that read them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gov_services.models import Attachment, Rating, RequestEvent, RequestStep, ServiceRequest
from gov_services.requests.deadlines import WorkCalendar
from gov_services.requests.display import (
    PUBLIC,
    RESIDENT,
    STAFF,
    Deadline,
    material_checklist,
    missing_note,
    request_deadline,
    step_deadline,
    timeline_rows,
)
from gov_services.requests.workflow import Action
from tests.factories import DepartmentFactory, ServiceRequestFactory, UserFactory

S = ServiceRequest.Status


def _at(day: str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00")


def _request(status, *, due=None, paused=None, completed=None) -> ServiceRequest:
    return ServiceRequest(status=status, due_at=_at(due, 23) if due else None, paused_at=_at(paused) if paused else None,
                          completed_at=_at(completed) if completed else None)


# --- a request's deadline (pure; 2025-03-03 is a Monday) ---------------------------------------------

@pytest.mark.parametrize("status, due, paused, completed, now, expected", [
    (S.SUBMITTED, None, None, None, "2025-03-03", Deadline("not_started")),
    (S.RETURNED, "2025-03-05", "2025-03-03", None, "2025-03-04", Deadline("paused")),
    (S.RETURNED, None, "2025-03-03", None, "2025-03-04", Deadline("paused")),           # returned before acceptance
    (S.RETURNED, None, None, None, "2025-03-04", Deadline("paused")),                   # by its status alone
    (S.CLOSED, "2025-03-05", "2025-03-03", None, "2025-03-20", Deadline("none")),       # expired: nobody waits
    (S.ACCEPTED, "2025-03-14", None, None, "2025-03-03", Deadline("due", 9)),           # Mon → Fri next week
    (S.ACCEPTED, "2025-03-06", None, None, "2025-03-03", Deadline("due", 3)),           # one past "soon"
    (S.ACCEPTED, "2025-03-05", None, None, "2025-03-03", Deadline("due_soon", 2)),      # the last "soon" day
    (S.APPROVED, "2025-03-04", None, None, "2025-03-03", Deadline("due_soon", 1)),      # the clock runs until done
    (S.REFUSED, "2025-03-10", None, None, "2025-03-07", Deadline("due_soon", 1)),       # Fri → Mon skips the weekend
    (S.UNDER_REVIEW, "2025-03-03", None, None, "2025-03-03", Deadline("today")),
    (S.ACCEPTED, "2025-03-07", None, None, "2025-03-08", Deadline("overdue", 0)),       # Fri → Sat
    (S.ACCEPTED, "2025-03-07", None, None, "2025-03-11", Deadline("overdue", 2)),       # Fri → Tue
    (S.COMPLETED, "2025-03-07", None, "2025-03-06", "2025-03-20", Deadline("done_on_time")),
    (S.RATED, "2025-03-07", None, "2025-03-10", "2025-03-20", Deadline("done_late", 1)),
    (S.CLOSED, "2025-03-07", None, "2025-03-07", "2025-03-20", Deadline("done_on_time")),  # closed after completion
    (S.REJECTED, None, None, None, "2025-03-20", Deadline("none")),
])
def test_a_requests_deadline_counts_working_days(status, due, paused, completed, now, expected):
    request = _request(status, due=due, paused=paused, completed=completed)
    assert request_deadline(request, now=_at(now), calendar=WorkCalendar()) == expected


def test_the_minute_the_deadline_passes_it_is_overdue_by_zero_working_days():
    request = ServiceRequest(status=S.ACCEPTED, due_at=_at("2025-03-03", 17))
    assert request_deadline(request, now=_at("2025-03-03", 17), calendar=WorkCalendar()) == Deadline("today")
    assert request_deadline(request, now=_at("2025-03-03", 17, 1), calendar=WorkCalendar()) == Deadline("overdue")


def test_completed_at_the_deadline_itself_is_on_time():
    request = ServiceRequest(status=S.COMPLETED, due_at=_at("2025-03-07", 17), completed_at=_at("2025-03-07", 17))
    assert request_deadline(request, now=_at("2025-03-20"), calendar=WorkCalendar()).state == "done_on_time"


def test_holidays_and_make_up_days_count_as_the_calendar_says():
    # Mon 3 March a holiday, Sat 8 March a make-up working day.
    calendar = WorkCalendar(holidays={datetime.date(2025, 3, 3)}, workdays={datetime.date(2025, 3, 8)})
    request = ServiceRequest(status=S.ACCEPTED, due_at=_at("2025-03-10", 23))
    assert request_deadline(request, now=_at("2025-03-02"), calendar=calendar) == Deadline("due", 6)


def test_soon_is_the_callers_number_of_working_days():
    request = ServiceRequest(status=S.ACCEPTED, due_at=_at("2025-03-06", 23))
    assert request_deadline(request, now=_at("2025-03-03"), calendar=WorkCalendar(), soon_days=3).state == "due_soon"


@pytest.mark.parametrize("state, css, running, done", [
    ("overdue", "overdue", True, False), ("today", "soon", True, False), ("due_soon", "soon", True, False),
    ("due", "ok", True, False), ("paused", "paused", False, False), ("not_started", "ok", False, False),
    ("done_late", "overdue", False, True), ("done_on_time", "ok", False, True), ("none", "ok", False, False),
])
def test_each_state_has_one_colour_and_says_whether_the_clock_runs(state, css, running, done):
    deadline = Deadline(state)
    assert (deadline.css, deadline.is_running, deadline.is_done) == (css, running, done)


# --- an approval step's deadline (pure) -----------------------------------------------------------------

def _step(*, due=None, done=None) -> RequestStep:
    return RequestStep(due_at=_at(due, 23) if due else None, done_at=_at(done) if done else None)


@pytest.mark.parametrize("step, is_current, status, paused, now, expected", [
    (_step(due="2025-03-05", done="2025-03-04"), False, S.UNDER_REVIEW, None, "2025-03-10", Deadline("done_on_time")),
    (_step(done="2025-03-04"), False, S.UNDER_REVIEW, None, "2025-03-10", Deadline("done_on_time")),  # no limit
    (_step(due="2025-03-05", done="2025-03-07"), False, S.UNDER_REVIEW, None, "2025-03-10", Deadline("done_late", 2)),
    (_step(), False, S.UNDER_REVIEW, None, "2025-03-03", Deadline("not_started")),      # waits for the one before
    (_step(due="2025-03-05"), True, S.UNDER_REVIEW, None, "2025-03-03", Deadline("due_soon", 2)),
    (_step(due="2025-03-03"), True, S.ACCEPTED, None, "2025-03-03", Deadline("today")),
    (_step(due="2025-03-03"), True, S.ACCEPTED, None, "2025-03-04", Deadline("overdue", 1)),
    (_step(due="2025-03-05"), True, S.RETURNED, "2025-03-04", "2025-03-10", Deadline("paused")),
    (_step(due="2025-03-05"), True, S.APPROVED, None, "2025-03-10", Deadline("not_started")),  # decided: no clock
])
def test_a_steps_deadline_runs_only_while_it_is_the_current_one(step, is_current, status, paused, now, expected):
    request = ServiceRequest(status=status, paused_at=_at(paused) if paused else None)
    assert step_deadline(step, is_current=is_current, request=request, now=_at(now),
                         calendar=WorkCalendar()) == expected


# --- the timeline, per audience ---------------------------------------------------------------------------

@pytest.fixture
def story(request_item, station, officer, tree):
    """A request's life: filed, accepted (the note names the applicant), an internal note, rerouted and
    assigned, returned for supplement, completed, rated, and a public reply."""
    request = ServiceRequestFactory(item=request_item, station=station, status=S.RETURNED)
    roads, colleague = DepartmentFactory(name="交通局", region=tree["county"]), UserFactory(full_name="王同事")

    def event(action, from_status="", to_status="", **fields):
        return RequestEvent.objects.create(request=request, action=action, from_status=from_status,
                                           to_status=to_status, **fields)

    event(Action.SUBMIT, "", S.SUBMITTED)
    event(Action.ACCEPT, S.SUBMITTED, S.ACCEPTED, actor=officer, note="已联系李秀兰 13800000001")
    event(Action.NOTE, S.ACCEPTED, S.ACCEPTED, actor=officer, note="内部：核对户口簿", internal=True)
    event(Action.REROUTE, S.ACCEPTED, S.ACCEPTED, actor=officer, internal=True,
          data={"from_department": request.department_id, "to_department": roads.pk})
    event(Action.ASSIGN, S.ACCEPTED, S.ACCEPTED, actor=officer, data={"from_assignee": None,
                                                                      "to_assignee": colleague.pk})
    event(Action.RETURN_FOR_SUPPLEMENT, S.ACCEPTED, S.RETURNED, actor=officer, note="请补交户口簿首页")
    event(Action.RATE, S.COMPLETED, S.RATED, data={"score": Rating.Score.SATISFIED})
    event(Action.PUBLIC_REPLY, S.RATED, S.RATED, actor=officer, note="已安排维修")
    return {"request": request, "roads": roads, "colleague": colleague, "officer": officer}


def test_the_staff_read_every_event_with_who_did_it_and_where_it_went(story, django_assert_num_queries):
    with django_assert_num_queries(3):  # the events, the departments and the officers they name
        rows = timeline_rows(story["request"], audience=STAFF)
    assert [r.action for r in rows] == ["submit", "accept", "note", "reroute", "assign", "return_for_supplement",
                                        "rate", "public_reply"]
    submit, accept, note, reroute, assign, returned, *_ = rows
    assert (submit.title, submit.moved, submit.actor) == (Action.SUBMIT.label, False, None)
    assert (accept.from_label, accept.to_label, accept.moved) == (S.SUBMITTED.label, S.ACCEPTED.label, True)
    assert accept.actor == story["officer"] and accept.note == "已联系李秀兰 13800000001"
    assert note.internal and note.note == "内部：核对户口簿" and not note.moved
    assert reroute.to_department == story["roads"] and assign.to_assignee == story["colleague"]
    assert returned.title == Action.RETURN_FOR_SUPPLEMENT.label


@pytest.mark.usefixtures("english_messages")
def test_the_resident_reads_plain_words_without_internal_events_or_names(story):
    rows = timeline_rows(story["request"], audience=RESIDENT)
    assert [r.action for r in rows] == ["submit", "accept", "assign", "return_for_supplement", "rate",
                                        "public_reply"]
    assert [str(r.title) for r in rows[:2]] == ["Submitted", "Accepted by the department"]
    assert str(rows[2].title) == str(Action.ASSIGN.label)  # no plain words of its own: the action's name
    assert rows[3].note == "请补交户口簿首页" and str(rows[4].extra) == str(Rating.Score.SATISFIED.label)
    assert all(r.actor is None and not r.internal and r.to_assignee is None for r in rows)
    assert "核对户口簿" not in str(rows) and "王同事" not in str(rows)


@pytest.mark.usefixtures("english_messages")
def test_the_public_read_status_moves_without_notes_and_the_public_replies(story):
    rows = timeline_rows(story["request"], audience=PUBLIC)
    assert [r.action for r in rows] == ["submit", "accept", "return_for_supplement", "rate", "public_reply"]
    assert [str(r.title) for r in rows[:2]] == [str(S.SUBMITTED.label), str(S.ACCEPTED.label)]
    assert str(rows[-1].title) == "Reply from the department" and rows[-1].reply == "已安排维修"
    assert [r.reply for r in rows[:-1]] == [""] * 4
    text = str(rows)
    assert [word for word in ("李秀兰", "13800000001", "请补交户口簿首页", "核对户口簿", "王同事") if word in text] == []
    assert all(r.actor is None and r.note == "" for r in rows)


def test_an_unknown_audience_is_refused(story):
    with pytest.raises(ValueError):
        timeline_rows(story["request"], audience="everyone")


def test_what_is_missing_is_the_last_returns_note_only_while_returned(story):
    request = story["request"]
    RequestEvent.objects.create(request=request, action=Action.RETURN_FOR_SUPPLEMENT, from_status=S.ACCEPTED,
                                to_status=S.RETURNED, note="还缺结婚证")
    for audience in (STAFF, RESIDENT):
        assert missing_note(request, timeline_rows(request, audience=audience)) == "还缺结婚证"
    request.status = S.ACCEPTED
    assert missing_note(request, timeline_rows(request, audience=STAFF)) == ""


# --- the material checklist ---------------------------------------------------------------------------

def _scan(pk: int, material=None) -> Attachment:
    return Attachment(pk=pk, material=material, original_name=f"scan-{pk}.jpg")


@pytest.mark.usefixtures("english_messages")
def test_the_checklist_puts_each_scan_under_its_material_and_flags_what_is_missing(request_item, station):
    id_card, register = request_item.materials.order_by("position")
    request = ServiceRequestFactory(item=request_item, station=station)
    scans = [_scan(3, register), _scan(5, id_card), _scan(7), _scan(9, id_card)]
    checklist = material_checklist(request, scans)
    assert [(line.material, [a.pk for a in line.attachments], line.missing) for line in checklist.lines] == [
        (id_card, [5, 9], False), (register, [3], False)]
    assert [a.pk for a in checklist.others] == [7]
    # The receipt: in the order they were scanned, other documents last.
    assert [(str(label), n) for label, n in checklist.received()] == [(str(register), 1), (str(id_card), 2),
                                                                      ("Other documents", 1)]

    nothing = material_checklist(request, [])
    assert [line.missing for line in nothing.lines] == [True, False]  # the ID card is required, the register not
    assert nothing.others == [] and nothing.received() == []


def test_an_appeal_has_no_checklist_only_other_documents(dispatch_desk, django_assert_num_queries):
    appeal = ServiceRequest(kind="appeal", appeal_category="help", department=dispatch_desk)
    with django_assert_num_queries(0):
        checklist = material_checklist(appeal, [_scan(1), _scan(2)])
    assert checklist.lines == [] and [a.pk for a in checklist.others] == [1, 2]
    assert [n for _label, n in checklist.received()] == [2]


# --- the pages read the one vocabulary ---------------------------------------------------------------------

@pytest.fixture
def four_states(request_item, station, resident):
    """A request in each deadline state the counter tells apart, filed for `resident`, plus one that expired."""
    now, day = timezone.now(), datetime.timedelta(days=1)

    def make(**fields):
        return ServiceRequestFactory(item=request_item, station=station, applicant_user=resident, **fields)

    return {
        "not_started": make(),
        "paused": make(status=S.RETURNED, accepted_at=now - 9 * day, due_at=now + 41 * day, paused_at=now - day),
        "overdue": make(status=S.ACCEPTED, accepted_at=now - 9 * day, due_at=now - 2 * day),
        "due": make(status=S.UNDER_REVIEW, accepted_at=now, due_at=now + 30 * day),
        "none": make(status=S.CLOSED, accepted_at=now - 30 * day, due_at=now - 20 * day, paused_at=now - 25 * day),
    }


def test_the_counter_ledger_shows_each_state_as_before(operator_client, four_states):
    response = operator_client.get(reverse("gov_services:counter-ledger"))
    states = {row.pk: row.deadline.state for row in response.context["service_requests"]}
    assert {name: states[request.pk] for name, request in four_states.items()} == {name: name for name in four_states}
    page = response.content.decode()
    assert page.count("cz-badge cz-badge--warn") == 1 and page.count("cz-badge cz-req--overdue") == 1
    assert page.count("cz-row--warn") == 2  # the paused and the overdue row


def test_an_expired_request_is_no_longer_shown_as_paused_on_the_admins_page(client, county_admin, four_states):
    client.force_login(county_admin)
    expired = four_states["none"]
    response = client.get(reverse("gov_services:county-request-detail", args=[expired.pk]))
    assert response.context["sr"].deadline == Deadline("none")
    assert "cz-deadline--paused" not in response.content.decode()


def test_my_requests_gives_a_due_date_only_while_the_clock_runs(client, resident, four_states):
    client.force_login(resident)
    response = client.get(reverse("gov_services:resident-service-request-list"))
    running = {row["req"].pk for row in response.context["rows"] if row["deadline"].is_running}
    assert running == {four_states["overdue"].pk, four_states["due"].pk}
    page = response.content.decode()
    assert timezone.localtime(four_states["due"].due_at).strftime("%Y-%m-%d") in page
    assert timezone.localtime(four_states["paused"].due_at).strftime("%Y-%m-%d") not in page  # paused: no date
