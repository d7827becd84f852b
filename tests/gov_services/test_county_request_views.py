"""/county/requests/: township and county admins see every request in their region, with filters,
and a read-only page per request where they may only reroute and add notes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.selectors.calendar import work_calendar
from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StationFactory,
    region,
    staff_user,
)

pytestmark = pytest.mark.django_db

S = ServiceRequest.Status
LIST = reverse("gov_services:county-request-list")


def detail_url(service_request) -> str:
    return reverse("gov_services:county-request-detail", args=[service_request.pk])


def listed(client, **params) -> set:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return set(response.context["requests"])


@pytest.fixture
def world(tree, department, station, other_station):
    """Requests in both townships, of both kinds, in several states and departments."""
    licence = ServiceItemFactory(department=department, category="licence", name="个体工商户登记")
    aid = ServiceItemFactory(department=department, category="public_service", name="临时救助")
    labour = DepartmentFactory(region=tree["county"], name="县人社局")
    pension = ServiceItemFactory(department=labour, category="public_service", name="城乡居民养老保险参保")
    now = timezone.now()
    return {
        "labour": labour,
        "new_here": ServiceRequestFactory(item=licence, station=station, applicant_name="王秀英"),
        "late_here": ServiceRequestFactory(item=aid, station=station, status=S.ACCEPTED, accepted_at=now,
                                           due_at=now - datetime.timedelta(days=5)),
        "done_there": ServiceRequestFactory(item=pension, station=other_station, status=S.COMPLETED,
                                            completed_at=now),
        "appeal_there": ServiceRequestFactory(
            kind="appeal", item=None, appeal_category="help", subject="路灯坏了", department=labour,
            station=None, village=other_station.village, channel="phone", consent="witnessed"),
    }


# --- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["operator", "resident", "officer", "liaison"])
def test_list_and_pages_are_forbidden_to_everyone_but_admins(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(world["new_here"])).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_county_admin_sees_every_request_in_the_county_with_counts_by_status(client, county_admin, world, tree):
    elsewhere = StationFactory(village=region("village", region("township", region("county", tree["city"]))))
    ServiceRequestFactory(item=ServiceItemFactory(department=DepartmentFactory(region=elsewhere.village)),
                          station=elsewhere)
    client.force_login(county_admin)
    response = client.get(LIST)
    assert set(response.context["requests"]) == {world[k] for k in ("new_here", "late_here", "done_there",
                                                                     "appeal_there")}
    counts = {row["value"]: row["count"] for row in response.context["status_counts"]}
    assert (counts[S.SUBMITTED], counts[S.ACCEPTED], counts[S.COMPLETED], counts[S.CLOSED]) == (2, 1, 1, 0)
    assert response.context["total"] == 4
    body = response.content.decode()
    assert format_tracking_code(world["new_here"].tracking_code) in body
    assert world["new_here"].applicant_id_number not in body and world["new_here"].masked_id_number in body


def test_township_admin_sees_only_their_township(client, township_admin, world):
    client.force_login(township_admin)
    assert listed(client) == {world["new_here"], world["late_here"]}
    assert client.get(detail_url(world["done_there"])).status_code == 404
    assert client.get(detail_url(world["appeal_there"])).status_code == 404
    assert client.get(detail_url(world["new_here"])).status_code == 200


def test_superuser_sees_everything(client, superuser, world):
    client.force_login(superuser)
    assert len(listed(client)) == 4


# --- filters -------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"status": "submitted"}, {"new_here", "appeal_there"}),
    ({"kind": "appeal"}, {"appeal_there"}),
    ({"category": "licence"}, {"new_here"}),
    ({"category": "help"}, {"appeal_there"}),
    ({"overdue": "on"}, {"late_here"}),
    ({"q": "王秀英"}, {"new_here"}),
    ({"q": "路灯"}, {"appeal_there"}),
])
def test_filters_narrow_the_list(client, county_admin, world, params, expected):
    client.force_login(county_admin)
    assert listed(client, **params) == {world[k] for k in expected}


def test_filter_by_tracking_code_department_township_and_station(client, county_admin, world, tree, station):
    client.force_login(county_admin)
    code = format_tracking_code(world["late_here"].tracking_code).lower()
    assert listed(client, q=code) == {world["late_here"]}
    assert listed(client, department=world["labour"].pk) == {world["done_there"], world["appeal_there"]}
    assert listed(client, township=tree["townships"][1].pk) == {world["done_there"], world["appeal_there"]}
    assert listed(client, station=station.pk) == {world["new_here"], world["late_here"]}
    assert listed(client, township=tree["townships"][0].pk, status="accepted") == {world["late_here"]}


def test_filter_by_submission_date_range(client, county_admin, world):
    old = world["done_there"]
    ServiceRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(county_admin)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert old not in listed(client, date_from=since)
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert listed(client, date_to=until) == {old}


def test_counts_follow_the_other_filters_but_not_the_status(client, county_admin, world, station):
    client.force_login(county_admin)
    response = client.get(LIST, {"station": station.pk, "status": "accepted"})
    counts = {row["value"]: row["count"] for row in response.context["status_counts"]}
    assert (counts[S.SUBMITTED], counts[S.ACCEPTED], counts[S.COMPLETED]) == (1, 1, 0)
    assert list(response.context["requests"]) == [world["late_here"]]


def test_bad_filter_values_are_reported_and_ignored(client, county_admin, world):
    client.force_login(county_admin)
    response = client.get(LIST, {"date_from": "yesterday", "status": "lost", "department": "999999",
                                 "kind": "appeal"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"date_from", "status", "department"}
    assert set(response.context["requests"]) == {world["appeal_there"]}  # the valid filter still applies


def test_end_date_before_start_date_is_an_error(client, county_admin, world):
    client.force_login(county_admin)
    response = client.get(LIST, {"date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert "date_to" in response.context["form"].errors


def test_a_bad_date_is_reported_in_chinese_and_what_was_typed_stays_in_the_form(client, county_admin, world):
    client.force_login(county_admin)
    response = client.get(LIST, {"date_from": "yesterday", "q": "王秀英"})
    assert response.context["form"].errors["date_from"] == ["输入一个有效的日期。"]
    page = response.content.decode()
    assert 'value="yesterday"' in page and 'value="王秀英"' in page
    assert set(response.context["requests"]) == {world["new_here"]}


def test_township_filter_outside_the_admins_region_is_refused(client, township_admin, world, tree):
    client.force_login(township_admin)
    response = client.get(LIST, {"township": tree["townships"][1].pk})
    assert "township" in response.context["form"].errors
    assert set(response.context["requests"]) == {world["new_here"], world["late_here"]}


def test_list_is_paginated(client, county_admin, world, station, department):
    item = ServiceItemFactory(department=department)
    for _i in range(31):
        ServiceRequestFactory(item=item, station=station)
    client.force_login(county_admin)
    first = client.get(LIST)
    assert len(first.context["requests"]) == 30 and first.context["page_obj"].paginator.count == 35
    assert len(client.get(LIST, {"page": 2}).context["requests"]) == 5


def _list_queries(client) -> int:
    work_calendar()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"kind": "application"}).status_code == 200
    return len(queries)


def test_list_costs_the_same_queries_for_5_or_30_requests(client, county_admin, officer, station, other_station,
                                                          department, django_assert_num_queries):
    item = ServiceItemFactory(department=department)
    for i in range(5):
        ServiceRequestFactory(item=item, station=station if i % 2 else other_station)
    client.force_login(county_admin)
    client.get(LIST)  # the first request keeps the user and roles in the cache (accounts/user_cache.py)
    few = _list_queries(client)
    for i in range(25):
        ServiceRequestFactory(item=item, station=station if i % 2 else other_station, assignee=officer)
    with django_assert_num_queries(few):
        response = client.get(LIST, {"kind": "application"})
    assert len(response.context["requests"]) == 30
    # session, the user's assignments (one per scoped selector: admin check, scope, townships,
    # stations, filtered list), departments in scope, townships, stations, status counts, page count,
    # the page; the request's savepoint pair; the storefront's notification count in base.html
    assert few <= 15


# --- the read-only page --------------------------------------------------------------------------

def test_admin_page_masks_the_id_and_offers_only_reroute_and_notes(client, county_admin, world):
    client.force_login(county_admin)
    response = client.get(detail_url(world["new_here"]))
    assert response.status_code == 200
    assert [f.action_name for f in response.context["action_forms"]] == ["reroute", "note"]
    body = response.content.decode()
    assert world["new_here"].applicant_id_number not in body and world["new_here"].masked_id_number in body
    # A completed request can no longer be rerouted: notes only.
    done = client.get(detail_url(world["done_there"]))
    assert [f.action_name for f in done.context["action_forms"]] == ["note"]


def test_admin_may_not_move_a_request_through_its_workflow(client, county_admin, world):
    client.force_login(county_admin)
    response = client.post(reverse("gov_services:county-request-action", args=[world["new_here"].pk]),
                           {"action": "accept"})
    assert response.status_code == 302
    world["new_here"].refresh_from_db()
    assert world["new_here"].status == S.SUBMITTED
    assert not RequestEvent.objects.filter(request=world["new_here"]).exists()


def test_county_admin_reroutes_a_request_and_stays_on_its_page(client, county_admin, world):
    client.force_login(county_admin)
    url = reverse("gov_services:county-request-action", args=[world["new_here"].pk])
    response = client.post(url, {"action": "reroute", "department": world["labour"].pk, "note": "应由人社局办理"})
    assert response.status_code == 302 and response.url == detail_url(world["new_here"])
    world["new_here"].refresh_from_db()
    assert world["new_here"].department == world["labour"]
    event = RequestEvent.objects.get(request=world["new_here"], action="reroute")
    assert (event.actor, event.internal, event.note) == (county_admin, True, "应由人社局办理")


def test_township_admin_adds_an_internal_note(client, township_admin, world):
    client.force_login(township_admin)
    url = reverse("gov_services:county-request-action", args=[world["late_here"].pk])
    client.post(url, {"action": "note", "note": "已督办，请尽快办结", "internal": "on"})
    event = RequestEvent.objects.get(request=world["late_here"], action="note")
    assert (event.actor, event.internal) == (township_admin, True)


def test_township_admin_cannot_act_outside_their_township(client, township_admin, world):
    client.force_login(township_admin)
    url = reverse("gov_services:county-request-action", args=[world["done_there"].pk])
    assert client.post(url, {"action": "note", "note": "越权"}).status_code == 404
    assert not RequestEvent.objects.filter(request=world["done_there"]).exists()


def test_township_admin_of_another_township_gets_404(client, world, tree):
    other = staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][1])
    client.force_login(other)
    assert client.get(detail_url(world["new_here"])).status_code == 404
