"""Residents' rights over their personal data (core/personal_data_requests.py, accounts/views_data_requests.py):
a copy as a file at once (logged), correction and deletion requests with a due day, answered once by the
data officer, every step audited; nobody else reads or answers them."""

import datetime
import json
import uuid

import pytest

from accounts.roles import Role
from core.models import AuditEvent, PersonalDataRequest
from core.timeutil import local_date
from tests.factories import ServiceItemFactory, ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_officer():
    return UserFactory(roles=[Role.DATA_OFFICER])


def _file(client, *, kind="correct", details="我的手机号码登记错了，应为 13900000001", key=None):
    return client.post("/me/data/", {"kind": kind, "details": details, "idempotency_key": key or str(uuid.uuid4())})


def test_a_resident_downloads_everything_held_about_them(client, resident, department):
    mine = ServiceRequestFactory(item=ServiceItemFactory(department=department), applicant_user=resident,
                                 form_data={"住址": "乐亭县某村 8 号"})
    ServiceRequestFactory(item=ServiceItemFactory(department=department))  # someone else's
    client.force_login(resident)
    page = client.get("/me/data/")
    assert page.status_code == 200 and "我的个人信息" in page.content.decode()

    response = client.get("/me/data/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert document["sections"]["account"]["rows"][0]["username"] == resident.username
    requests = document["sections"]["requests"]["rows"]
    assert [row["tracking_code"] for row in requests] == [mine.tracking_code]
    assert requests[0]["applicant_id_number"] == mine.applicant_id_number  # the copy is complete, not masked
    assert requests[0]["form_data"] == {"住址": "乐亭县某村 8 号"}
    event = AuditEvent.objects.get(action="personal_data.exported", actor=resident)
    assert event.data == {"sections": {"account": 1, "requests": 1}}


def test_a_request_gets_a_due_day_and_a_resend_makes_no_second(client, resident, settings):
    settings.PERSONAL_DATA_REQUEST_DAYS = 15
    client.force_login(resident)
    key = str(uuid.uuid4())
    assert _file(client, key=key).status_code == 302
    assert _file(client, key=key).status_code == 302
    row = PersonalDataRequest.objects.get()
    assert row.user == resident and row.status == "open"
    assert row.due_on == local_date() + datetime.timedelta(days=15)
    assert AuditEvent.objects.filter(action="personal_data.request_submitted").count() == 1
    assert "待答复" in client.get("/me/data/").content.decode()


def test_an_empty_request_is_refused_with_what_to_fix_and_nothing_saved(client, resident):
    client.force_login(resident)
    response = _file(client, kind="erase", details="  ")
    body = response.content.decode()
    assert response.status_code == 422 and "请选择更正还是删除" in body and "请说明哪些信息" in body
    assert not PersonalDataRequest.objects.exists()
    assert _file(client, key="not-a-key").status_code == 422


def test_the_data_officer_answers_once_and_the_resident_reads_it(client, resident, data_officer):
    client.force_login(resident)
    _file(client, kind="delete", details="请删除我 2020 年的申请材料")
    row = PersonalDataRequest.objects.get()

    client.force_login(data_officer)
    queue = client.get("/ops/data-requests/")
    assert queue.status_code == 200 and f"/ops/data-requests/{row.pk}/" in queue.content.decode()
    assert client.get("/ops/").content.decode().count("/ops/data-requests/") == 1
    empty = client.post(f"/ops/data-requests/{row.pk}/", {"status": "done", "reply": ""})
    assert empty.status_code == 422 and "请告诉群众" in empty.content.decode()
    done = client.post(f"/ops/data-requests/{row.pk}/", {"status": "done", "reply": "已删除 2020 年的扫描件"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.handled_by, row.reply) == ("done", data_officer, "已删除 2020 年的扫描件")
    again = client.post(f"/ops/data-requests/{row.pk}/", {"status": "refused", "reply": "改主意"})
    assert again.status_code == 422 and "已答复过" in again.content.decode()
    event = AuditEvent.objects.get(action="personal_data.request_answered")
    assert event.actor == data_officer and event.data == {"status": "done", "late": False}

    client.force_login(resident)
    assert "已删除 2020 年的扫描件" in client.get("/me/data/").content.decode()


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN, Role.RESIDENT])
def test_nobody_but_the_data_officer_reads_or_answers_them(client, resident, role):
    client.force_login(resident)
    _file(client)
    row = PersonalDataRequest.objects.get()
    client.force_login(UserFactory(roles=[role]))
    assert client.get("/ops/data-requests/").status_code == 403
    assert client.post(f"/ops/data-requests/{row.pk}/", {"status": "done", "reply": "x"}).status_code == 403
    row.refresh_from_db()
    assert row.status == "open"


def test_an_overdue_request_is_marked_in_the_queue(client, resident, data_officer):
    client.force_login(resident)
    _file(client)
    PersonalDataRequest.objects.update(due_on=local_date() - datetime.timedelta(days=1))
    client.force_login(data_officer)
    assert "已超期" in client.get("/ops/data-requests/").content.decode()
