"""A request's page for its officers and the actions posted from it: one HTTP test per flow, asserting the
response and the database (status, assignee, RequestEvents)."""


import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gov_services.models import RequestEvent, ServiceRequest
from gov_services.requests import services as services
from tests.factories import (
    DepartmentFactory,
)
from tests.gov_services.dept_helpers import QUEUE, act, actions_of, detail_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def offered(response) -> list[str]:
    return [form.action_name for form in response.context["action_forms"]]


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
    assert [a.original_name for a in id_card_row.attachments] == ["身份证.jpg"]
    assert register_row.attachments == [] and not register_row.missing  # optional
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
    assert row.deadline.state == "paused"


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
