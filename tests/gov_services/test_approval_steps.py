"""Approval steps: each step's own deadline on the working-day calendar, separation of duties and head-only
steps, a holder before any step, optional steps, the catalogue's steps service, the queue's search, filters,
saved views and bulk assignment, and the sweep's cards per step."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.audit import audit_events_for
from gov_services.catalogue.services import service_item_steps_set
from gov_services.catalogue.steps import StepPlan, default_plan, overall_limit, plan_errors
from gov_services.models import (
    CalendarDay,
    Escalation,
    RequestEvent,
    RequestStep,
    SavedQueueView,
    ServiceRequest,
)
from gov_services.requests import services as services
from gov_services.requests.services.queue import service_requests_bulk_assign
from gov_services.requests.services.steps import request_steps
from gov_services.selectors.calendar import calendar_changed
from gov_services.supervision.services.sweep import supervision_sweep_run
from reports.rollups import request_rollup_differences
from tests.clock import clock_at
from tests.factories import (
    DepartmentMembershipFactory,
    RequiredMaterialFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    UserFactory,
    jpeg_bytes,
    upload,
    valid_id_number,
)
from tests.gov_services.supervision_helpers import at, end_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]
S = ServiceRequest.Status
QUEUE = reverse("gov_services:dept-home")


@pytest.fixture
def head(department):
    user = UserFactory(roles=[Role.OFFICER], full_name="孙科长")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def colleague(department):
    user = UserFactory(roles=[Role.OFFICER], full_name="钱审批")
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def item(department):
    """Accept in 1, review in 3, approve in 2 working days; the approver may not be the reviewer."""
    item = ServiceItemFactory(department=department, name="最低生活保障申请", lowest_level="village",
                              legal_limit_days=20, promised_limit_days=5, form_schema=[])
    service_item_steps_set(item=item, actor=None, overall_limit_fixed=False, steps=[
        StepPlan("accept", 1), StepPlan("review", 3), StepPlan("approve", 2, separate_from=("review",))])
    RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    return item


def submit(operator, station, item, *, n=1, name="周桂兰"):
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name=name,
        applicant_id_number=valid_id_number(n), applicant_phone="13812345678", consent="witnessed",
        channel="counter", station=station, form_data={},
        attachments=[upload("身份证.jpg", jpeg_bytes(), m) for m in item.materials.filter(required=True)])


def steps_of(request):
    return {s.kind: s for s in RequestStep.objects.filter(request=request)}


# --- the rules (pure) ---------------------------------------------------------------------------------------

def test_the_default_plan_splits_the_promised_limit_between_review_and_approval():
    for promised in (0, 1, 5, 10):
        plan = default_plan(promised)
        assert [p.kind for p in plan] == ["accept", "review", "approve"]
        assert overall_limit(plan) == promised


@pytest.mark.parametrize(("kinds", "error"), [
    (["accept", "review"], "required"),
    (["review", "accept", "approve"], "order"),
    (["accept", "approve", "review"], "order"),
    (["accept", "review", "review", "approve"], "duplicate"),
])
def test_a_plan_needs_accept_first_review_and_approve_last(kinds, error):
    assert error in plan_errors([StepPlan(k, 1) for k in kinds])


def test_a_step_is_kept_apart_only_from_earlier_steps():
    assert plan_errors([StepPlan("accept", 1, separate_from=("review",)), StepPlan("review", 1),
                        StepPlan("approve", 1)]) == ["separate_later"]
    assert plan_errors([StepPlan("accept", 1), StepPlan("inspection", 2), StepPlan("review", 1),
                        StepPlan("notice", 5), StepPlan("approve", 1, separate_from=("review", "inspection"))]) == []


# --- the catalogue's steps --------------------------------------------------------------------------------

def test_the_overall_limit_is_the_sum_of_the_steps_after_acceptance_unless_set_by_hand(item):
    item.refresh_from_db()
    assert (item.promised_limit_days, item.overall_limit_fixed) == (5, False)
    assert list(item.steps.values_list("kind", "limit_days")) == [("accept", 1), ("review", 3), ("approve", 2)]
    service_item_steps_set(item=item, actor=None, overall_limit_fixed=True, promised_limit_days=4,
                           steps=[StepPlan("accept", 1), StepPlan("review", 3), StepPlan("approve", 2)])
    item.refresh_from_db()
    assert item.promised_limit_days == 4
    assert audit_events_for(item).filter(action="service_item.steps_set").count() == 2


def test_steps_beyond_the_legal_limit_or_without_approval_are_refused_and_nothing_changes(item):
    with pytest.raises(ValidationError) as refused:
        service_item_steps_set(item=item, actor=None, overall_limit_fixed=False, steps=[
            StepPlan("accept", 1), StepPlan("review", 15), StepPlan("approve", 10)])
    assert "法定时限" in str(refused.value) or "legal limit" in str(refused.value)
    with pytest.raises(ValidationError):
        service_item_steps_set(item=item, actor=None, overall_limit_fixed=False,
                               steps=[StepPlan("accept", 1), StepPlan("review", 3)])
    assert item.steps.count() == 3


def test_a_county_admin_sets_the_steps_on_the_screen(client, county_admin, item):
    url = reverse("gov_services:service-item-steps", args=[item.pk])
    client.force_login(county_admin)
    assert client.get(url).status_code == 200
    data = {f"step-{k}-{f}": v for k, pos in (("accept", 10), ("inspection", 20), ("review", 30), ("notice", 40),
                                              ("approve", 50))
            for f, v in (("position", pos), ("limit_days", 2), ("role", "officer"))}
    data.update({"step-inspection-used": "on", "step-approve-separate_from": ["review", "inspection"],
                 "step-approve-role": "head"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["step_errors"]
    assert list(item.steps.values_list("kind", flat=True)) == ["accept", "inspection", "review", "approve"]
    approve = item.steps.get(kind="approve")
    assert (approve.role, sorted(approve.separate_from)) == ("head", ["inspection", "review"])
    item.refresh_from_db()
    assert item.promised_limit_days == 6


# --- deadlines per step -----------------------------------------------------------------------------------

def test_each_step_has_its_own_deadline_counted_in_working_days_across_a_holiday(operator, station, item, officer,
                                                                                 colleague):
    for day in (3, 4, 5):  # a three-day holiday, Monday to Wednesday
        CalendarDay.objects.create(date=date(2027, 5, day), kind="holiday", name="测试假日")
    calendar_changed()
    with clock_at(at(2027, 4, 30, 10)):  # a Friday
        filed = submit(operator, station, item)
    assert steps_of(filed)["accept"].due_at == end_of(2027, 5, 6)  # Mon–Wed off: the next working day is Thu
    with clock_at(at(2027, 5, 6, 15)):
        services.service_request_accept(request=filed, actor=officer)
    steps = steps_of(filed)
    assert steps["review"].due_at == end_of(2027, 5, 11) and steps["approve"].due_at is None
    filed.refresh_from_db()
    assert filed.due_at == end_of(2027, 5, 13)  # the overall limit: 3 + 2 working days from acceptance
    with clock_at(at(2027, 5, 12, 9)):  # review a day late
        services.service_request_start_review(request=filed, actor=officer, note="材料齐全")
    steps = steps_of(filed)
    assert steps["review"].done_at > steps["review"].due_at
    assert steps["approve"].due_at == end_of(2027, 5, 14)
    late = RequestEvent.objects.get(request=filed, action="start_review")
    assert (late.data["step"], late.data["step_late"], late.data["next_step"]) == ("review", True, "approve")
    filed.assignee = colleague
    filed.save(update_fields=["assignee"])
    with clock_at(at(2027, 5, 14, 9)):
        services.service_request_approve(request=filed, actor=colleague, note="同意")
    assert steps_of(filed)["approve"].done_by == colleague


def test_a_pause_for_supplement_moves_the_running_steps_deadline(operator, station, item, officer):
    with clock_at(at(2027, 6, 7, 9)):  # Monday
        filed = submit(operator, station, item)
        services.service_request_accept(request=filed, actor=officer)
    assert steps_of(filed)["review"].due_at == end_of(2027, 6, 10)
    with clock_at(at(2027, 6, 8, 9)):
        services.service_request_return(request=filed, actor=officer, note="缺收入证明")
    with clock_at(at(2027, 6, 10, 9)):  # Wed and Thu were paused
        services.service_request_resubmit(request=filed, actor=operator, note="补齐")
    assert steps_of(filed)["review"].due_at == end_of(2027, 6, 14)


# --- who may do a step -----------------------------------------------------------------------------------

def test_the_reviewer_may_not_approve_and_is_told_why(operator, station, item, officer, colleague, head):
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    services.service_request_start_review(request=filed, actor=officer)
    with pytest.raises(PermissionDenied) as refused:
        services.service_request_approve(request=filed, actor=officer, note="同意")
    assert "审查" in str(refused.value) and "其他人" in str(refused.value)
    filed.refresh_from_db()
    assert filed.status == S.UNDER_REVIEW and steps_of(filed)["approve"].done_at is None
    services.service_request_assign(request=filed, actor=head, assignee=colleague)
    with pytest.raises(ValidationError):
        services.service_request_approve(request=filed, actor=colleague, note="  ")  # the opinion is required
    services.service_request_approve(request=filed, actor=colleague, note="同意")
    filed.refresh_from_db()
    assert filed.status == S.APPROVED


def test_a_step_nobody_holds_is_refused_until_someone_claims_it(operator, station, item, officer,
                                                                 colleague):
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    assert filed.assignee == officer  # accepting claims a request nobody holds
    assert list(filed.events.values_list("action", flat=True))[:3] == ["submit", "claim", "accept"]
    filed.assignee = None  # e.g. back from another department
    filed.save(update_fields=["assignee"])
    with pytest.raises(PermissionDenied) as refused:
        services.service_request_start_review(request=filed, actor=colleague)
    assert "认领" in str(refused.value)
    services.service_request_claim(request=filed, actor=colleague)
    services.service_request_start_review(request=filed, actor=colleague)


def test_a_head_only_step_is_refused_to_an_officer(operator, station, item, officer, head):
    service_item_steps_set(item=item, actor=None, overall_limit_fixed=False, steps=[
        StepPlan("accept", 1), StepPlan("review", 3), StepPlan("approve", 2, role="head")])
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    services.service_request_start_review(request=filed, actor=officer)
    with pytest.raises(PermissionDenied) as refused:
        services.service_request_approve(request=filed, actor=officer, note="同意")
    assert "负责人" in str(refused.value)
    services.service_request_approve(request=filed, actor=head, note="同意")


def test_an_optional_step_comes_in_its_place_and_needs_a_record(operator, station, item, officer):
    service_item_steps_set(item=item, actor=None, overall_limit_fixed=False, steps=[
        StepPlan("accept", 1), StepPlan("inspection", 2), StepPlan("review", 3), StepPlan("approve", 2)])
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    with pytest.raises(PermissionDenied) as refused:
        services.service_request_start_review(request=filed, actor=officer)
    assert "现场勘查" in str(refused.value)
    with pytest.raises(ValidationError):
        services.service_request_step_done(request=filed, actor=officer, note="")
    services.service_request_step_done(request=filed, actor=officer, note="入户核实，情况属实")
    assert steps_of(filed)["inspection"].done_by == officer and steps_of(filed)["review"].due_at is not None
    assert request_rollup_differences() == []  # a step done changes no figure (no recount)
    services.service_request_start_review(request=filed, actor=officer)
    filed.refresh_from_db()
    assert filed.status == S.UNDER_REVIEW


def test_a_request_filed_before_steps_gets_them_from_its_status(station, department, officer, item):
    old = ServiceRequestFactory(station=station, department=department, status=S.UNDER_REVIEW, assignee=officer,
                                kind="application", item=item)
    RequestStep.objects.filter(request=old).delete()
    steps = request_steps(old)
    assert [(s.kind, s.done_at is not None) for s in steps] == [("accept", True), ("review", True),
                                                               ("approve", False)]
    assert steps[2].due_at is not None


def test_the_request_page_shows_each_steps_deadline_and_holder_and_the_refusal(client, operator, station, item,
                                                                             officer):
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    services.service_request_start_review(request=filed, actor=officer)
    client.force_login(officer)
    response = client.get(reverse("gov_services:dept-request-detail", args=[filed.pk]))
    rows = {row["step"].kind: row for row in response.context["steps"]}
    assert rows["review"]["who"] == officer and rows["review"]["deadline"].state == "done_on_time"
    assert rows["approve"]["is_current"] and rows["approve"]["who"] == officer
    assert "其他人" in response.context["step_refusal"]
    assert "data-scan=" in response.content.decode()  # the scan is a thumbnail for the viewer


# --- the queue -----------------------------------------------------------------------------------------------

def test_queue_search_by_id_number_name_and_code_shows_the_number_masked(client, operator, station, item, officer,
                                                                        colleague):
    first = submit(operator, station, item, n=1, name="周桂兰")
    second = submit(operator, station, item, n=2, name="吴建国")
    services.service_request_claim(request=second, actor=colleague)
    client.force_login(officer)

    def found(**params):
        response = client.get(QUEUE, {"bucket": "all", **params})
        html = response.content.decode()
        table = html[html.index("<table"):html.index("</table>")] if "<table" in html else ""
        return {r.pk for r in response.context["requests"]}, table

    ids, table = found(q=first.applicant_id_number)
    assert ids == {first.pk}
    shown = re.sub(r'(value|href)="[^"]*"', "", table)  # the text and labels, not the search echoed in links
    assert first.applicant_id_number not in shown and first.masked_id_number in shown  # found, shown masked
    assert found(q=first.applicant_id_number[-6:])[0] == {first.pk}
    assert found(q="吴建")[0] == {second.pk}
    assert found(q=second.tracking_code)[0] == {second.pk}
    assert found(handler=str(colleague.pk))[0] == {second.pk}
    assert found(handler="none")[0] == {first.pk}
    assert found(step="accept")[0] == {first.pk, second.pk}
    assert found(step="review")[0] == set()
    assert found(deadline="not_started")[0] == {first.pk, second.pk}


def test_step_overdue_filter_and_the_heads_workload(client, operator, station, item, officer, head):
    filed = submit(operator, station, item)
    services.service_request_accept(request=filed, actor=officer)
    client.force_login(head)
    assert list(client.get(QUEUE, {"bucket": "all", "deadline": "step_overdue"}).context["requests"]) == []
    RequestStep.objects.filter(request=filed, kind="review").update(due_at=timezone.now() - timedelta(hours=1))
    response = client.get(QUEUE, {"bucket": "all", "deadline": "step_overdue"})
    assert [r.pk for r in response.context["requests"]] == [filed.pk]
    workload = {row["user"]: row for row in response.context["departments"][0]["workload"]}
    assert (workload[officer]["open"], workload[officer]["steps_overdue"]) == (1, 1)


def test_saved_views_are_the_officers_own(client, officer, colleague):
    client.force_login(officer)
    client.post(reverse("gov_services:dept-view-create"), {"name": "逾期", "query": "deadline=overdue"})
    view = SavedQueueView.objects.get(user=officer)
    again = client.post(reverse("gov_services:dept-view-create"), {"name": "逾期", "query": "step=review"})
    assert again.status_code == 302 and SavedQueueView.objects.count() == 1
    assert "逾期" in client.get(QUEUE).content.decode()
    client.force_login(colleague)
    assert client.post(reverse("gov_services:dept-view-delete", args=[view.pk])).status_code == 404
    client.force_login(officer)
    client.post(reverse("gov_services:dept-view-delete", args=[view.pk]))
    assert not SavedQueueView.objects.exists()


def test_bulk_assignment_assigns_or_hands_over_and_refuses_what_the_actor_may_not(operator, station, item, officer,
                                                                                 colleague, head):
    loose, held = submit(operator, station, item, n=1), submit(operator, station, item, n=2)
    services.service_request_claim(request=held, actor=officer)
    moved, refused = service_requests_bulk_assign(actor=colleague, requests=[loose, held], assignee=colleague,
                                                  note="")
    assert moved == [] and len(refused) == 2  # only a head assigns; a hand-over needs its holder and a note
    moved, refused = service_requests_bulk_assign(actor=head, requests=[loose, held], assignee=colleague,
                                                  note="平衡工作量")
    assert len(moved) == 2 and refused == []
    assert set(ServiceRequest.objects.values_list("assignee", flat=True)) == {colleague.pk}
    assert RequestEvent.objects.filter(action__in=["assign", "transfer"], actor=head).count() == 2


def test_the_bulk_form_never_approves(client, head):
    client.force_login(head)
    response = client.post(reverse("gov_services:dept-bulk-assign"), {"requests": [], "action": "approve"})
    assert response.status_code == 302 and not RequestEvent.objects.filter(action="approve").exists()


# --- supervision per step ----------------------------------------------------------------------------------

def test_the_sweep_cards_an_overdue_step_once(operator, station, item, officer):
    with clock_at(at(2027, 6, 7, 9)):  # Monday: acceptance due by the end of Tuesday
        filed = submit(operator, station, item)
    sweep = supervision_sweep_run(now=at(2027, 6, 9, 9))
    step = steps_of(filed)["accept"]
    assert step.card == "red" and sweep.counts["step_cards"]["red"] == 1
    event = RequestEvent.objects.get(request=filed, action="card_red")
    assert event.data["step"] == "accept"
    assert request_rollup_differences() == []  # a card changes no figure (no recount)
    supervision_sweep_run(now=at(2027, 6, 9, 10))
    assert RequestEvent.objects.filter(request=filed, action="card_red").count() == 1
    assert timedelta(0) < step.card_at - step.due_at


def test_a_late_step_takes_the_countys_escalation_chain_once_per_step(operator, station, item, officer, head):
    with clock_at(at(2027, 6, 7, 9)):  # Monday: acceptance due by the end of Tuesday, the request in 5 days
        filed = submit(operator, station, item)
    supervision_sweep_run(now=at(2027, 6, 9, 9))
    accept = steps_of(filed)["accept"]
    taken = Escalation.objects.filter(request=filed)
    # The red link with no wait (a call) is taken for the step; the yellow link is not (the step is red).
    [call] = taken
    assert call.request_step == accept and call.task == "call" and call.card == "red"
    assert call.label.startswith(str(accept.get_kind_display()))
    event = RequestEvent.objects.get(request=filed, action="escalate")
    assert event.data["request_step"] == accept.pk and event.data["step_kind"] == "accept"
    assert request_rollup_differences() == []  # an escalation changes no figure (no recount)
    assert not taken.filter(request_step__isnull=True).exists()  # the request as a whole is not late
    supervision_sweep_run(now=at(2027, 6, 9, 15))
    assert taken.count() == 1  # never twice
    supervision_sweep_run(now=at(2027, 6, 21, 9))  # held red for more than 3 working days: the interview
    interview = taken.get(task="interview")
    assert interview.request_step == accept and interview.named_person == head
    assert not taken.filter(request_step__isnull=True).exists()  # not accepted: the request's clock never ran


def test_a_step_done_in_time_or_before_its_card_escalates_nothing(operator, station, item, officer):
    with clock_at(at(2027, 6, 7, 9)):
        filed = submit(operator, station, item)
    with clock_at(at(2027, 6, 8, 10)):
        services.service_request_accept(request=filed, actor=officer)
    supervision_sweep_run(now=at(2027, 6, 9, 9))
    assert not Escalation.objects.filter(request=filed).exists()
