"""Who sees which request: lists, access_* selectors, the public tracking page, queues, the ledger."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from gov_services.identifiers import format_tracking_code
from gov_services.models import Attachment, RequestEvent, ServiceRequest
from gov_services.requests.selectors import requests as selectors
from stations.scope import scope_for
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    jpeg_bytes,
    region,
    staff_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


@pytest.fixture
def other_department(tree):
    return DepartmentFactory(region=tree["county"])


@pytest.fixture
def world(tree, station, other_station, department, other_department, resident):
    """Requests spread over stations, departments, townships and a second county."""
    item = ServiceItemFactory(department=department, category="public_service")
    other_item = ServiceItemFactory(department=other_department, category="licence")
    far_county = region("county", tree["city"])
    far_village = region("village", region("township", far_county))
    far_station = StationFactory(village=far_village)
    return {
        "here": ServiceRequestFactory(item=item, station=station, applicant_name="张三",
                                      applicant_phone="13811112222"),
        "there": ServiceRequestFactory(item=item, station=other_station),
        "here_other_dept": ServiceRequestFactory(item=other_item, station=station),
        "residents": ServiceRequestFactory(item=item, village=tree["villages"][1], applicant_user=resident,
                                           channel="web", consent="self"),
        "phone_appeal": ServiceRequestFactory(kind="appeal", item=None, appeal_category="complaint",
                                              subject="路灯", department=other_department,
                                              village=tree["villages"][2], channel="phone"),
        "far": ServiceRequestFactory(item=ServiceItemFactory(department=DepartmentFactory(region=far_county)),
                                     station=far_station),
    }


def names(world, requests) -> set[str]:
    by_pk = {r.pk: name for name, r in world.items()}
    return {by_pk[r.pk] for r in requests}


# --- service_request_list ------------------------------------------------------------------------

@pytest.mark.parametrize("who, expected", [
    ("operator", {"here", "here_other_dept"}),
    ("liaison", {"here", "here_other_dept"}),
    ("officer", {"here", "there", "residents"}),
    ("township_admin", {"here", "here_other_dept", "residents"}),
    ("county_admin", {"here", "there", "here_other_dept", "residents", "phone_appeal"}),
    ("resident", {"residents"}),
    ("superuser", {"here", "there", "here_other_dept", "residents", "phone_appeal", "far"}),
])
def test_each_role_sees_exactly_the_requests_in_their_scope(request, world, who, expected):
    user = request.getfixturevalue(who)
    assert names(world, selectors.service_request_list(user=user)) == expected


def test_operator_never_sees_another_stations_requests(world, operator, other_station):
    assert not selectors.service_request_list(user=operator).filter(station=other_station).exists()
    assert list(selectors.service_request_list(user=operator, station_id=other_station.pk)) == []


def test_anonymous_visitor_sees_no_request(world):
    assert list(selectors.service_request_list(user=AnonymousUser())) == []


def test_ended_assignment_no_longer_gives_access(world, operator):
    operator.staff_assignments.update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    assert list(selectors.service_request_list(user=operator)) == []


def test_officer_in_two_departments_sees_both(world, officer, other_department):
    DepartmentMembershipFactory(department=other_department, user=officer)
    assert names(world, selectors.service_request_list(user=officer)) == {
        "here", "there", "residents", "here_other_dept", "phone_appeal"}


def test_someone_holding_two_roles_sees_the_union(world, operator, tree):
    StaffAssignmentFactory(user=operator, role="township_admin", region=tree["townships"][1])
    assert names(world, selectors.service_request_list(user=operator)) == {
        "here", "here_other_dept", "there", "phone_appeal"}


def test_township_admin_sees_a_request_without_a_village_by_its_station(world, township_admin, station):
    no_village = ServiceRequestFactory(item=world["here"].item, station=station, village=None)
    assert no_village in selectors.service_request_list(user=township_admin)


def test_list_filters_by_status_department_station_and_kind(world, county_admin, department, station):
    ServiceRequest.objects.filter(pk=world["there"].pk).update(status=S.ACCEPTED)

    def listed(**filters):
        return names(world, selectors.service_request_list(user=county_admin, **filters))

    assert listed(status=S.ACCEPTED) == {"there"}
    assert listed(department_id=department.pk) == {"here", "there", "residents"}
    assert listed(station_id=station.pk) == {"here", "here_other_dept"}
    assert listed(kind="appeal") == {"phone_appeal"}


def test_list_finds_by_tracking_code_however_typed_name_phone_and_subject(world, county_admin):
    code = format_tracking_code(world["here"].tracking_code).lower()

    def found(query):
        return names(world, selectors.service_request_list(user=county_admin, query=query))

    assert found(code) == {"here"}
    assert found("张三") == {"here"}
    assert found("1111") == {"here"}
    assert found("路灯") == {"phone_appeal"}
    assert found("O0O0") == set()  # not a code; no error either


def test_list_is_one_query_whatever_its_length(world, operator, county_admin, superuser,
                                                django_assert_num_queries):
    for user in (operator, county_admin, superuser):
        scope_for(user)  # computed once per request (tests/stations/test_scope.py counts it)
        with django_assert_num_queries(1):
            rows = list(selectors.service_request_list(user=user))
            assert [(r.item and r.item.name, r.department.name, r.station and r.station.name,
                     r.village and r.village.name, r.assignee) for r in rows]


# --- access_service_request_by_id ----------------------------------------------------------------

@pytest.mark.parametrize("who, which", [
    ("operator", "here"), ("liaison", "here_other_dept"), ("officer", "there"), ("township_admin", "residents"),
    ("county_admin", "phone_appeal"), ("resident", "residents"), ("superuser", "far"),
])
def test_access_by_id_within_scope(request, world, who, which):
    user = request.getfixturevalue(who)
    assert selectors.access_service_request_by_id(user=user, request_id=world[which].pk) == world[which]


@pytest.mark.parametrize("who, which", [
    ("operator", "there"), ("liaison", "residents"), ("officer", "here_other_dept"),
    ("township_admin", "there"), ("county_admin", "far"), ("resident", "here"),
])
def test_access_by_id_outside_scope_is_not_found(request, world, who, which):
    with pytest.raises(Http404):
        selectors.access_service_request_by_id(user=request.getfixturevalue(who), request_id=world[which].pk)


def test_access_by_id_answers_anonymous_and_unknown_ids_alike(world, superuser):
    with pytest.raises(Http404):
        selectors.access_service_request_by_id(user=AnonymousUser(), request_id=world["here"].pk)
    with pytest.raises(Http404):
        selectors.access_service_request_by_id(user=superuser, request_id=987654)


def test_resident_request_list_holds_only_their_own(world, resident, operator):
    assert names(world, selectors.resident_request_list(user=resident)) == {"residents"}
    assert list(selectors.resident_request_list(user=operator)) == []
    assert list(selectors.resident_request_list(user=AnonymousUser())) == []


# --- timeline and tracking -----------------------------------------------------------------------

def test_timeline_hides_internal_notes_from_the_resident(world, officer):
    here = world["here"]
    public = RequestEvent.objects.create(request=here, actor=officer, action="accept", from_status="submitted",
                                         to_status="accepted")
    internal = RequestEvent.objects.create(request=here, actor=officer, action="note", note="申请人态度差",
                                           internal=True)
    assert list(selectors.request_timeline(request=here, for_resident=False)) == [public, internal]
    assert list(selectors.request_timeline(request=here, for_resident=True)) == [public]


def test_tracking_with_the_code_and_the_last_four_digits_finds_the_request(world):
    here = world["here"]
    assert selectors.track_request(tracking_code=here.tracking_code, phone_last4="2222") == here
    assert selectors.track_request(tracking_code=format_tracking_code(here.tracking_code).lower(),
                                   phone_last4=" 2222 ") == here


@pytest.mark.parametrize("code, last4", [
    ("right", "2223"), ("right", "1111"), ("right", ""), ("right", "22a2"), ("right", "22222"),
    ("7KQ4M2XBY", "2222"),  # well-formed, but nobody's
    ("7KQ4M2XBZ", "2222"),  # a typing error
    ("", "2222"), ("ILOU0000", "2222"),
])
def test_tracking_with_anything_wrong_gives_nothing(world, code, last4):
    code = world["here"].tracking_code if code == "right" else code
    assert selectors.track_request(tracking_code=code, phone_last4=last4) is None


def test_tracking_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.track_request(tracking_code=world["here"].tracking_code, phone_last4="0000")


# --- department queue ----------------------------------------------------------------------------

@pytest.fixture
def queue(department, other_department, officer, colleague_of_officer, station):
    item = ServiceItemFactory(department=department)
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def make(**fields):
        return ServiceRequestFactory(item=item, station=station, **fields)

    return {
        "new": make(),
        "mine_due_later": make(status=S.ACCEPTED, assignee=officer, due_at=now + 20 * day),
        "mine_overdue": make(status=S.UNDER_REVIEW, assignee=officer, due_at=now - 2 * day),
        "theirs_due_soon": make(status=S.ACCEPTED, assignee=colleague_of_officer,
                                due_at=now + datetime.timedelta(hours=2)),
        "returned_long_ago": make(status=S.RETURNED, assignee=officer, due_at=now - 5 * day, paused_at=now - 9 * day),
        "closed": make(status=S.CLOSED, assignee=officer, due_at=now - 30 * day),
        "completed": make(status=S.COMPLETED, due_at=now - 30 * day),
        "other_dept": ServiceRequestFactory(item=ServiceItemFactory(department=other_department), station=station),
    }


@pytest.fixture
def colleague_of_officer(department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.mark.parametrize("bucket, expected", [
    ("unassigned", ["new"]),
    ("mine", ["returned_long_ago", "mine_overdue", "mine_due_later"]),  # the paused deadline sorts too
    ("due_soon", ["theirs_due_soon"]),
    ("overdue", ["mine_overdue"]),
    ("all", ["returned_long_ago", "mine_overdue", "theirs_due_soon", "mine_due_later", "new"]),
])
def test_department_queue_buckets_sorted_by_deadline(queue, officer, bucket, expected):
    by_pk = {r.pk: name for name, r in queue.items()}
    assert [by_pk[r.pk] for r in selectors.department_queue(user=officer, bucket=bucket)] == expected


def test_department_queue_is_empty_for_people_outside_departments(queue, operator, county_admin):
    assert list(selectors.department_queue(user=operator, bucket="all")) == []
    assert list(selectors.department_queue(user=county_admin, bucket="all")) == []
    assert list(selectors.department_queue(user=AnonymousUser(), bucket="all")) == []


def test_department_queue_refuses_an_unknown_bucket(officer):
    with pytest.raises(ValueError):
        selectors.department_queue(user=officer, bucket="someday")


def test_department_queue_is_one_query(queue, officer, django_assert_num_queries):
    scope_for(officer)  # once per request
    with django_assert_num_queries(1):
        rows = list(selectors.department_queue(user=officer, bucket="all"))
        assert [(r.item.name, r.station.name, r.assignee and r.assignee.full_name) for r in rows]


# --- station ledger ------------------------------------------------------------------------------

def test_station_ledger_lists_the_stations_requests_by_month_category_and_status(world, operator):
    here = world["here"]
    last_month = timezone.localtime() - datetime.timedelta(days=40)
    ServiceRequest.objects.filter(pk=world["here_other_dept"].pk).update(submitted_at=last_month,
                                                                         status=S.COMPLETED)

    def ledger(**filters):
        return names(world, selectors.station_ledger(user=operator, **filters))

    assert ledger() == {"here", "here_other_dept"}
    assert ledger(month=timezone.localdate()) == {"here"}
    assert ledger(month=last_month.date()) == {"here_other_dept"}
    assert ledger(category="licence") == {"here_other_dept"}
    assert ledger(status=S.COMPLETED) == {"here_other_dept"}
    assert here.station.pk in {r.station_id for r in selectors.station_ledger(user=operator)}


def test_station_ledger_holds_appeals_under_their_category(world, operator, station):
    appeal = ServiceRequestFactory(kind="appeal", item=None, appeal_category="rights", station=station,
                                   department=world["here"].department)
    assert list(selectors.station_ledger(user=operator, category="rights")) == [appeal]


def test_station_ledger_in_december_ends_with_the_year(world, operator):
    december = timezone.make_aware(datetime.datetime(2024, 12, 31, 23, 0))
    ServiceRequest.objects.filter(pk=world["here"].pk).update(submitted_at=december)
    assert names(world, selectors.station_ledger(user=operator, month=datetime.date(2024, 12, 1))) == {"here"}
    assert names(world, selectors.station_ledger(user=operator, month=datetime.date(2025, 1, 1))) == set()


def test_station_ledger_is_empty_for_officers_and_residents(world, officer, resident):
    assert list(selectors.station_ledger(user=officer)) == []
    assert list(selectors.station_ledger(user=resident)) == []


def test_station_ledger_is_one_query(world, operator, django_assert_num_queries):
    scope_for(operator)  # once per request
    with django_assert_num_queries(1):
        rows = list(selectors.station_ledger(user=operator, month=timezone.localdate()))
        assert [(r.item.name, r.department.name, r.station.name, r.filed_by) for r in rows]


# --- attachments ---------------------------------------------------------------------------------

@pytest.fixture
def scan(world):
    attachment = Attachment(request=world["here"], original_name="身份证.jpg", content_type="image/jpeg",
                            size=len(jpeg_bytes()), sha256="0" * 64)
    attachment.file.save("scan.jpg", ContentFile(jpeg_bytes()), save=True)
    return attachment


@pytest.mark.parametrize("who", ["operator", "officer", "township_admin", "superuser"])
def test_attachment_is_served_to_those_who_may_see_the_request(request, scan, who):
    assert selectors.attachment_for_download(user=request.getfixturevalue(who), attachment_id=scan.pk) == scan


def test_attachment_of_residents_own_request_is_theirs_to_download(world, resident):
    own = Attachment.objects.create(request=world["residents"], original_name="a.pdf", content_type="application/pdf",
                                    size=1, sha256="0" * 64, file="attachments/a.pdf")
    assert selectors.attachment_for_download(user=resident, attachment_id=own.pk) == own


@pytest.mark.parametrize("who", ["resident", "other_station_operator", "other_officer", "anonymous"])
def test_attachment_is_refused_to_everyone_else(request, scan, other_station, other_department, who):
    if who == "other_station_operator":
        user = staff_user(Role.OPERATOR, station=other_station)
    elif who == "other_officer":
        user = UserFactory(roles=[Role.OFFICER])
        DepartmentMembershipFactory(department=other_department, user=user)
    elif who == "anonymous":
        user = AnonymousUser()
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        selectors.attachment_for_download(user=user, attachment_id=scan.pk)


def test_unknown_attachment_is_refused(superuser):
    with pytest.raises(Http404):
        selectors.attachment_for_download(user=superuser, attachment_id=424242)
