"""The department queue (/dept/) and a request's page for its officers: one HTTP test per flow,
asserting the response and the database (status, assignee, RequestEvents)."""

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from gov_services.deadlines import WorkCalendar, add_working_days
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.selectors.calendar import work_calendar
from gov_services.services import requests as services
from gov_services.views_dept.deadline_hints import DeadlineHint, deadline_hint
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    UserFactory,
    jpeg_bytes,
    png_bytes,
    upload,
    valid_id_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status
QUEUE = reverse("gov_services:dept-home")


# --- fixtures and helpers ------------------------------------------------------------------------

@pytest.fixture
def head(department):
    user = UserFactory(roles=[Role.OFFICER], full_name="王科长")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def colleague(department):
    user = UserFactory(roles=[Role.OFFICER], full_name="李同事")
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def other_department(tree):
    return DepartmentFactory(region=tree["county"], name="县人社局")


@pytest.fixture
def other_officer(other_department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=other_department, user=user)
    return user


@pytest.fixture
def filed(operator, station, request_item):
    """An application filed at the counter with an ID-card scan and a signature."""
    id_card = request_item.materials.get(name="身份证")
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
        consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
        attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)], signature=png_bytes())


def detail_url(service_request) -> str:
    return reverse("gov_services:dept-request-detail", args=[service_request.pk])


def action_url(service_request) -> str:
    return reverse("gov_services:dept-request-action", args=[service_request.pk])


def act(client, service_request, action, **data):
    return client.post(action_url(service_request), {"action": action, **data})


def actions_of(service_request) -> list[str]:
    return list(RequestEvent.objects.filter(request=service_request).order_by("at", "pk")
                .values_list("action", flat=True))


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def offered(response) -> list[str]:
    return [form.action_name for form in response.context["action_forms"]]


def queued(request_item, station, **fields) -> ServiceRequest:
    return ServiceRequestFactory(item=request_item, station=station, **fields)


# --- the queue -----------------------------------------------------------------------------------

def test_queue_sorts_each_bucket_by_deadline_and_counts_every_bucket(client, officer, colleague, request_item,
                                                                       station):
    now = timezone.now()
    calendar = work_calendar()
    new = queued(request_item, station)
    mine_later = queued(request_item, station, status=S.ACCEPTED, assignee=officer, accepted_at=now,
                        due_at=add_working_days(now, 8, calendar))
    mine_soon = queued(request_item, station, status=S.UNDER_REVIEW, assignee=officer, accepted_at=now,
                       due_at=add_working_days(now, 1, calendar))
    late = queued(request_item, station, status=S.ACCEPTED, assignee=colleague, accepted_at=now,
                  due_at=now - datetime.timedelta(days=10))
    waiting = queued(request_item, station, status=S.RETURNED, paused_at=now, due_at=now - datetime.timedelta(days=20))
    queued(request_item, station, status=S.COMPLETED, assignee=officer, completed_at=now)  # not open
    client.force_login(officer)

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["bucket"] == "unassigned"
    assert {b["name"]: b["count"] for b in response.context["buckets"]} == {
        "unassigned": 2, "mine": 2, "due_soon": 1, "overdue": 1, "all": 5}
    assert list(response.context["requests"]) == [waiting, new]  # a deadline first, none last

    def bucket(name):
        return list(client.get(QUEUE, {"bucket": name}).context["requests"])

    assert bucket("mine") == [mine_soon, mine_later]
    assert bucket("due_soon") == [mine_soon]
    assert bucket("overdue") == [late]
    assert bucket("all") == [waiting, late, mine_soon, mine_later, new]

    rows = {r.pk: r for r in client.get(QUEUE, {"bucket": "all"}).context["requests"]}
    assert rows[late.pk].hint.state == "overdue" and rows[late.pk].hint.days > 0
    assert rows[mine_soon.pk].hint == DeadlineHint("due_soon", 1)
    assert rows[waiting.pk].hint.state == "paused"
    assert rows[new.pk].hint.state == "not_started"
    body = client.get(QUEUE, {"bucket": "all"}).content.decode()
    assert late.applicant_id_number not in body and late.masked_id_number in body  # masked in lists
    assert f'action="{action_url(new)}"' in body  # a claim button on the unassigned row only
    assert f'action="{action_url(late)}"' not in body


def test_unknown_bucket_falls_back_to_unassigned(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE, {"bucket": "nonsense"}).context["bucket"] == "unassigned"


def test_queue_keeps_the_department_card_with_its_members(client, officer, head, department):
    client.force_login(officer)
    response = client.get(QUEUE)
    (card,) = response.context["departments"]
    assert card["department"] == department and [m.user for m in card["members"]] == [head, officer]
    assert "王科长" in response.content.decode()


def test_officer_of_two_departments_sees_both_queues_and_filters_by_department(client, officer, request_item,
                                                                                station, other_department):
    DepartmentMembershipFactory(department=other_department, user=officer)
    ours = queued(request_item, station)
    theirs = queued(ServiceItemFactory(department=other_department), station)
    client.force_login(officer)

    response = client.get(QUEUE)
    assert set(response.context["requests"]) == {ours, theirs}
    assert {pk for pk, _name in response.context["department_choices"]} == {
        request_item.department_id, other_department.pk}
    filtered = client.get(QUEUE, {"department": other_department.pk})
    assert list(filtered.context["requests"]) == [theirs]
    assert filtered.context["buckets"][0]["count"] == 1


def test_queue_ignores_a_department_the_officer_is_not_in(client, officer, request_item, station, other_department):
    ours = queued(request_item, station)
    queued(ServiceItemFactory(department=other_department), station)
    client.force_login(officer)
    response = client.get(QUEUE, {"department": other_department.pk})
    assert list(response.context["requests"]) == [ours]


def test_other_departments_requests_never_reach_the_queue(client, other_officer, request_item, station):
    queued(request_item, station)
    client.force_login(other_officer)
    response = client.get(QUEUE, {"bucket": "all"})
    assert list(response.context["requests"]) == []


def _queue_queries(client, count, request_item, station, officer) -> int:
    for _i in range(count):
        queued(request_item, station, status=S.ACCEPTED, assignee=officer, accepted_at=timezone.now(),
               due_at=timezone.now() + datetime.timedelta(days=3))
    work_calendar()  # cached, as in a running site
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"bucket": "all"})
    assert response.status_code == 200
    return len(queries)


def test_queue_costs_the_same_queries_for_5_or_30_requests(client, officer, head, request_item, station,
                                                           django_assert_num_queries):
    client.force_login(officer)
    few = _queue_queries(client, 5, request_item, station, officer)
    for _i in range(25):
        queued(request_item, station, status=S.ACCEPTED, assignee=officer, accepted_at=timezone.now(),
               due_at=timezone.now() + datetime.timedelta(days=3))
    with django_assert_num_queries(few):
        response = client.get(QUEUE, {"bucket": "all"})
    assert len(response.context["requests"]) == 30
    # session, user, the scope (assignments, department and merchant posts), memberships, bucket counts
    # (one query), page count, the page, the department's members (for the search's "held by" and on the
    # cards), the saved views; the request's savepoint pair; the storefront's unread-notification count
    assert few <= 15


# --- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["operator", "resident", "township_admin"])
def test_non_officers_get_403_on_the_queue_and_request_pages(client, request, who, filed):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail_url(filed)).status_code == 403
    assert act(client, filed, "accept").status_code == 403
    assert actions_of(filed) == ["submit"]


def test_officer_of_another_department_gets_404_and_changes_nothing(client, other_officer, filed):
    client.force_login(other_officer)
    assert client.get(detail_url(filed)).status_code == 404
    assert act(client, filed, "claim").status_code == 404
    filed.refresh_from_db()
    assert filed.assignee is None and actions_of(filed) == ["submit"]


def test_anonymous_visitor_is_sent_to_sign_in(client, filed):
    response = client.get(detail_url(filed))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_superuser_sees_every_queue(client, superuser, filed):
    client.force_login(superuser)
    assert list(client.get(QUEUE).context["requests"]) == [filed]
    assert client.get(detail_url(filed)).status_code == 200


# --- the request page ----------------------------------------------------------------------------

def test_request_page_shows_materials_form_signature_and_full_staff_timeline(client, officer, head, filed):
    services.service_request_note(request=filed, actor=head, note="内部：请核对户口簿", internal=True)
    client.force_login(officer)
    response = client.get(detail_url(filed))
    assert response.status_code == 200
    body = response.content.decode()
    # The handling department sees the full number (it checks it against the scans).
    assert filed.applicant_id_number in body
    [id_card_row, register_row] = response.context["materials"]
    assert [a.original_name for a in id_card_row["attachments"]] == ["身份证.jpg"]
    assert register_row["attachments"] == []
    scan = filed.attachments.get()
    assert reverse("gov_services:request-attachment", args=[scan.pk]) in body
    assert reverse("gov_services:request-signature", args=[filed.pk]) in body
    assert response.context["form_rows"] == [("用途", "子女入学")]
    assert [e.action for e in response.context["timeline"]] == ["submit", "note"]
    assert "内部：请核对户口簿" in body and response.context["timeline"][1].internal
    assert "accept" in offered(response)


def test_panel_offers_only_what_the_workflow_and_the_officer_allow(client, officer, colleague, head, filed):
    client.force_login(officer)
    assert offered(client.get(detail_url(filed))) == [
        "accept", "return_for_supplement", "reject", "reroute", "claim", "note"]
    services.service_request_claim(request=filed, actor=colleague)
    # Held by a colleague: only notes for an ordinary officer ...
    response = client.get(detail_url(filed))
    assert offered(response) == ["note"] and response.context["blocked_reason"]
    # ... everything for the head, who may also assign and transfer.
    client.force_login(head)
    assert offered(client.get(detail_url(filed))) == [
        "accept", "return_for_supplement", "reject", "reroute", "assign", "transfer", "note"]


# --- flows ---------------------------------------------------------------------------------------

def test_officer_claims_from_the_queue_and_returns_to_it(client, officer, filed):
    client.force_login(officer)
    next_url = QUEUE + "?bucket=unassigned"
    response = act(client, filed, "claim", next=next_url)
    assert response.status_code == 302 and response.url == next_url
    filed.refresh_from_db()
    assert filed.assignee == officer
    event = RequestEvent.objects.get(request=filed, action="claim")
    assert (event.actor, event.internal, event.data["to_assignee"]) == (officer, True, officer.pk)
    assert list(client.get(QUEUE, {"bucket": "mine"}).context["requests"]) == [filed]


def test_claim_refuses_a_next_url_on_another_site(client, officer, filed):
    client.force_login(officer)
    response = act(client, filed, "claim", next="https://evil.example/")
    assert response.url == detail_url(filed)


def test_accept_review_approve_complete_through_posts(client, officer, filed):
    client.force_login(officer)
    act(client, filed, "claim")
    for action, status in [("accept", S.ACCEPTED), ("start_review", S.UNDER_REVIEW), ("approve", S.APPROVED),
                           ("complete", S.COMPLETED)]:
        response = act(client, filed, action, note=f"{action} 备注", **({"confirm": "on"} if action == "approve" else {}))
        assert response.status_code == 302 and response.url == detail_url(filed), action
        filed.refresh_from_db()
        assert filed.status == status
        assert message_texts(response)
    assert actions_of(filed) == ["submit", "claim", "accept", "start_review", "approve", "complete"]
    events = RequestEvent.objects.filter(request=filed).order_by("at", "pk")
    assert [(e.from_status, e.to_status) for e in events][2:] == [
        (S.SUBMITTED, S.ACCEPTED), (S.ACCEPTED, S.UNDER_REVIEW), (S.UNDER_REVIEW, S.APPROVED),
        (S.APPROVED, S.COMPLETED)]
    assert events.get(action="approve").note == "approve 备注" and events.get(action="approve").actor == officer
    assert filed.due_at is not None and filed.completed_at is not None
    # The completed request's page still opens, and offers only close and notes.
    assert offered(client.get(detail_url(filed))) == ["close", "note"]


@pytest.mark.parametrize("action", ["return_for_supplement", "reject"])
def test_return_and_reject_need_a_note_and_change_nothing_without_one(client, officer, filed, action):
    client.force_login(officer)
    response = act(client, filed, action, note="  ")
    assert response.status_code == 200
    bound = next(f for f in response.context["action_forms"] if f.action_name == action)
    assert bound.errors["note"]
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and actions_of(filed) == ["submit"]


def test_return_for_supplement_with_a_note_pauses_the_clock(client, officer, filed):
    client.force_login(officer)
    act(client, filed, "accept")
    response = act(client, filed, "return_for_supplement", note="缺户口簿复印件")
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == S.RETURNED and filed.paused_at is not None
    event = RequestEvent.objects.get(request=filed, action="return_for_supplement")
    assert (event.note, event.internal, event.data["returned_from"]) == ("缺户口簿复印件", False, S.ACCEPTED)
    row = client.get(detail_url(filed)).context["sr"]
    assert row.hint.state == "paused"


def test_refuse_needs_a_reason(client, officer, filed):
    client.force_login(officer)
    act(client, filed, "accept")
    act(client, filed, "start_review")
    assert act(client, filed, "refuse").status_code == 200
    filed.refresh_from_db()
    assert filed.status == S.UNDER_REVIEW
    act(client, filed, "refuse", note="不符合条件")  # no confirmation ticked: nothing is done
    filed.refresh_from_db()
    assert filed.status == S.UNDER_REVIEW
    act(client, filed, "refuse", note="不符合条件", confirm="on")
    filed.refresh_from_db()
    assert filed.status == S.REFUSED


def test_reroute_moves_the_request_and_the_old_officer_then_gets_404(client, officer, other_department,
                                                                     other_officer, filed):
    client.force_login(officer)
    act(client, filed, "claim")
    assert act(client, filed, "reroute", department=other_department.pk).status_code == 200  # no note
    filed.refresh_from_db()
    assert filed.department != other_department

    response = act(client, filed, "reroute", department=other_department.pk, note="属人社局职责")
    assert response.status_code == 302 and response.url == QUEUE
    filed.refresh_from_db()
    assert (filed.department, filed.assignee) == (other_department, None)
    event = RequestEvent.objects.get(request=filed, action="reroute")
    assert event.internal and event.data["to_department"] == other_department.pk
    assert client.get(detail_url(filed)).status_code == 404
    assert list(client.get(QUEUE, {"bucket": "all"}).context["requests"]) == []

    client.force_login(other_officer)
    assert list(client.get(QUEUE).context["requests"]) == [filed]
    assert client.get(detail_url(filed)).status_code == 200


def test_reroute_offers_only_departments_serving_the_village(client, officer, tree, filed, other_department):
    far_township = DepartmentFactory(region=tree["townships"][1], level="township")  # station is in township 0
    near_township = DepartmentFactory(region=tree["townships"][0], level="township")
    client.force_login(officer)
    form = next(f for f in client.get(detail_url(filed)).context["action_forms"] if f.action_name == "reroute")
    choices = [value for value, _label in form.fields["department"].choices if value]
    assert other_department.pk in choices and near_township.pk in choices
    assert far_township.pk not in choices and filed.department_id not in choices
    response = act(client, filed, "reroute", department=far_township.pk, note="试试")
    assert response.status_code == 200 and response.context["action_forms"]
    filed.refresh_from_db()
    assert filed.department_id != far_township.pk


def test_head_assigns_and_the_assignee_transfers_to_a_colleague(client, officer, colleague, head, filed):
    client.force_login(head)
    response = act(client, filed, "assign", assignee=officer.pk)
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.assignee == officer

    client.force_login(officer)
    assert act(client, filed, "transfer", assignee=colleague.pk).status_code == 200  # the note is required
    filed.refresh_from_db()
    assert filed.assignee == officer
    act(client, filed, "transfer", assignee=colleague.pk, note="我下周休假")
    filed.refresh_from_db()
    assert filed.assignee == colleague
    assert actions_of(filed) == ["submit", "assign", "transfer"]
    transfer = RequestEvent.objects.get(request=filed, action="transfer")
    assert (transfer.actor, transfer.data["from_assignee"], transfer.data["to_assignee"]) == (
        officer, officer.pk, colleague.pk)


def test_an_ordinary_officer_may_not_assign(client, officer, colleague, head, filed):
    client.force_login(officer)
    response = act(client, filed, "assign", assignee=colleague.pk)
    assert response.status_code == 302
    assert message_texts(response)  # the service's reason
    filed.refresh_from_db()
    assert filed.assignee is None and actions_of(filed) == ["submit"]


def test_assign_refuses_someone_outside_the_department(client, head, other_officer, filed):
    client.force_login(head)
    response = act(client, filed, "assign", assignee=other_officer.pk)
    assert response.status_code == 200
    assert next(f for f in response.context["action_forms"] if f.action_name == "assign").errors["assignee"]
    filed.refresh_from_db()
    assert filed.assignee is None


def test_officer_held_out_by_a_colleague_gets_the_reason_not_a_500(client, officer, colleague, filed):
    services.service_request_claim(request=filed, actor=colleague)
    client.force_login(officer)
    response = act(client, filed, "accept")
    assert response.status_code == 302 and response.url == detail_url(filed)
    assert any(str(colleague) in m for m in message_texts(response))
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED


def test_double_submit_of_accept_writes_one_event_and_explains_the_second(client, officer, filed):
    client.force_login(officer)
    first = act(client, filed, "accept")
    second = act(client, filed, "accept")
    assert first.status_code == second.status_code == 302
    assert second.url == detail_url(filed)
    assert actions_of(filed) == ["submit", "claim", "accept"]  # accepting claims a request nobody holds
    assert "warning" in [m.level_tag for m in get_messages(second.wsgi_request)]
    assert client.get(second.url).status_code == 200


def test_double_claim_writes_one_event(client, officer, filed):
    client.force_login(officer)
    act(client, filed, "claim")
    response = act(client, filed, "claim")
    assert response.status_code == 302 and message_texts(response)
    assert actions_of(filed) == ["submit", "claim"]


def test_internal_note_is_added_and_marked(client, officer, filed):
    client.force_login(officer)
    act(client, filed, "note", note="已电话联系申请人", internal="on")
    event = RequestEvent.objects.get(request=filed, action="note")
    assert (event.note, event.internal, event.from_status, event.to_status) == (
        "已电话联系申请人", True, S.SUBMITTED, S.SUBMITTED)


def test_unknown_or_resident_side_actions_are_refused(client, officer, filed):
    client.force_login(officer)
    for action in ["rate", "resubmit", "submit", "drop_tables", ""]:
        response = act(client, filed, action)
        assert response.status_code == 302, action
    assert actions_of(filed) == ["submit"]


# --- files ---------------------------------------------------------------------------------------

def test_attachment_streams_inline_with_safe_headers_and_downloads_on_request(client, officer, filed):
    scan = filed.attachments.get()
    client.force_login(officer)
    url = reverse("gov_services:request-attachment", args=[scan.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.jpg" in download["Content-Disposition"]


@pytest.mark.parametrize("who, status", [
    ("other_officer", 404), ("township_admin_elsewhere", 404),  # staff: someone else's request
    ("resident", 404),  # a resident: another applicant's request, as one that does not exist
    ("merchant", 403), ("no_role", 403),  # neither staff nor resident: not their workspace
])
def test_attachment_and_signature_are_refused_to_those_who_may_not_see_the_request(client, request, filed, tree,
                                                                                  who, status):
    if who == "township_admin_elsewhere":
        from tests.factories import StaffAssignmentFactory

        user = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
        StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][1])
    elif who in ("merchant", "no_role"):
        user = UserFactory(roles=[Role.MERCHANT] if who == "merchant" else [])
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    scan = filed.attachments.get()
    assert client.get(reverse("gov_services:request-attachment", args=[scan.pk])).status_code == status
    assert client.get(reverse("gov_services:request-signature", args=[filed.pk])).status_code == status


@pytest.mark.parametrize("who", ["operator", "applicant"])
def test_the_station_and_the_applicant_get_the_requests_files(client, filed, operator, resident, who):
    ServiceRequest.objects.filter(pk=filed.pk).update(applicant_user=resident)
    client.force_login(operator if who == "operator" else resident)
    assert client.get(reverse("gov_services:request-attachment", args=[filed.attachments.get().pk])).status_code == 200
    assert client.get(reverse("gov_services:request-signature", args=[filed.pk])).status_code == 200


def test_signature_is_served_as_png_to_the_handling_officer(client, officer, filed):
    client.force_login(officer)
    response = client.get(reverse("gov_services:request-signature", args=[filed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"


def test_request_without_signature_gives_404(client, officer, request_item, station):
    bare = ServiceRequestFactory(item=request_item, station=station)
    client.force_login(officer)
    assert client.get(reverse("gov_services:request-signature", args=[bare.pk])).status_code == 404


def test_anonymous_visitor_cannot_download(client, filed):
    response = client.get(reverse("gov_services:request-attachment", args=[filed.attachments.get().pk]))
    assert response.status_code == 302


# --- the deadline hint (pure) --------------------------------------------------------------------

def _at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


@pytest.mark.parametrize("status, due, paused, completed, now, expected", [
    (S.SUBMITTED, None, None, None, "2025-03-03", DeadlineHint("not_started")),
    (S.RETURNED, "2025-03-05", "2025-03-03", None, "2025-03-04", DeadlineHint("paused")),
    (S.ACCEPTED, "2025-03-14", None, None, "2025-03-03", DeadlineHint("due", 9)),        # Mon → Fri next week
    (S.ACCEPTED, "2025-03-05", None, None, "2025-03-03", DeadlineHint("due_soon", 2)),
    (S.UNDER_REVIEW, "2025-03-03", None, None, "2025-03-03", DeadlineHint("today")),
    (S.ACCEPTED, "2025-03-07", None, None, "2025-03-11", DeadlineHint("overdue", 2)),    # Fri → Tue
    (S.ACCEPTED, "2025-03-07", None, None, "2025-03-08", DeadlineHint("overdue", 0)),    # Fri → Sat
    (S.COMPLETED, "2025-03-07", None, "2025-03-06", "2025-03-20", DeadlineHint("done_on_time")),
    (S.COMPLETED, "2025-03-07", None, "2025-03-10", "2025-03-20", DeadlineHint("done_late", 1)),
    (S.REJECTED, None, None, None, "2025-03-20", DeadlineHint("none")),
])
def test_deadline_hint_counts_working_days(status, due, paused, completed, now, expected):
    request = ServiceRequest(status=status, due_at=_at(due, 23) if due else None,
                             paused_at=_at(paused) if paused else None,
                             completed_at=_at(completed) if completed else None)
    assert deadline_hint(request, now=_at(now), calendar=WorkCalendar(), soon_days=2) == expected
