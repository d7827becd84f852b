"""The department queue (/dept/): its buckets, sorting and counts, the departments an officer sees, its
query count, and the deadline on each row (head, colleague and the other
department's officer are in conftest.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gov_services.models import ServiceRequest
from gov_services.requests.deadlines import add_working_days
from gov_services.requests.display import Deadline
from gov_services.selectors.calendar import work_calendar
from tests.factories import (
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
)
from tests.gov_services.dept_helpers import QUEUE, action_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


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
    assert rows[late.pk].deadline.state == "overdue" and rows[late.pk].deadline.days > 0
    assert rows[mine_soon.pk].deadline == Deadline("due_soon", 1)
    assert rows[waiting.pk].deadline.state == "paused"
    assert rows[new.pk].deadline.state == "not_started"
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
    client.get(QUEUE)  # the first request keeps the user and roles in the cache (accounts/user_cache.py)
    few = _queue_queries(client, 5, request_item, station, officer)
    for _i in range(25):
        queued(request_item, station, status=S.ACCEPTED, assignee=officer, accepted_at=timezone.now(),
               due_at=timezone.now() + datetime.timedelta(days=3))
    with django_assert_num_queries(few):
        response = client.get(QUEUE, {"bucket": "all"})
    assert len(response.context["requests"]) == 30
    # session, the scope (assignments, department and merchant posts), memberships, bucket counts
    # (one query), page count, the page, the department's members (for the search's "held by" and on the
    # cards), the saved views; the request's savepoint pair; the storefront's unread-notification count
    assert few <= 14
