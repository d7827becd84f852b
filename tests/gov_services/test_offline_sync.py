"""The offline counter's sync, for applications (agency/offline_sync.py, gov_services/requests/offline.py): an item
captured offline is filed once however often it is sent; a withdrawn service, a changed resident record
and bad input come back typed; conflicts are discarded only with a reason (audited); the endpoint is the
station operator's, session-authenticated and CSRF-protected. Also the data the service worker keeps."""

import datetime
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from agency.models import OfflineItem
from core.audit import audit_event_record
from core.models import AuditEvent
from gov_services.models import Attachment, ServiceRequest
from tests.factories import (
    GridFactory,
    HouseholdFactory,
    staff_user,
    valid_id_number,
)
from tests.gov_services.counter_helpers import scan_png, signature_data_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]
SYNC = "/counter/offline/sync/"


def application(item, *, key=None, name="王秀英", id_number=None, phone="13912345678", captured_at=None,
                confirm=False, material=None, sign=None):
    key = key or str(uuid.uuid4())
    fields = [["item_id", str(item.pk)], ["applicant_name", name],
              ["applicant_id_number", id_number or valid_id_number(3)], ["applicant_phone", phone],
              ["consent", "signature"], ["signature", sign or signature_data_url()], ["eform-purpose", "办理低保"]]
    files = [{"field": f"material-{material.pk}", "name": "身份证.png", "part": f"f-{key}-0"}] if material else []
    return {"key": key, "kind": "application", "local_number": "临20261206-001",
            "captured_at": (captured_at or timezone.now()).isoformat(), "confirm": confirm,
            "fields": fields, "files": files}


def send(client, *items, with_files=True):
    data = {"items": json.dumps(list(items))}
    if with_files:
        for item in items:
            for spec in item["files"]:
                data[spec["part"]] = SimpleUploadedFile(spec["name"], scan_png(), content_type="image/png")
    response = client.post(SYNC, data)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def id_card(request_item):
    return request_item.materials.get(name="身份证")


@pytest.fixture
def counter(client, operator):
    client.force_login(operator)
    return client


def test_an_application_captured_offline_is_filed_once_with_its_scan_and_answers_the_real_code(
        counter, request_item, id_card, station):
    item = application(request_item, material=id_card)
    [first] = send(counter, item)
    request = ServiceRequest.objects.get()
    assert first["status"] == "ok" and first["result"]["reference"].replace("-", "") == request.tracking_code
    assert first["result"]["url"] == reverse("gov_services:counter-request-receipt", args=[request.pk])
    assert str(request.idempotency_key) == item["key"] and request.station == station
    assert request.channel == "counter" and request.form_data == {"purpose": "办理低保"} and request.signature
    assert Attachment.objects.filter(request=request, material=id_card).count() == 1
    # The same item sent again (the answer was lost, or a second tab): the first result, nothing more.
    [again] = send(counter, item)
    assert again == first
    assert ServiceRequest.objects.count() == 1 and Attachment.objects.count() == 1
    row = OfflineItem.objects.get()
    assert (row.status, row.attempts, row.local_number, row.kind) == ("ok", 1, "临20261206-001", "application")
    # The receipt with the real tracking code can be printed again.
    receipt = counter.get(first["result"]["url"])
    assert receipt.status_code == 200 and first["result"]["reference"] in receipt.content.decode()


def test_a_service_withdrawn_meanwhile_comes_back_as_a_conflict_and_is_discarded_with_a_reason(
        counter, request_item, id_card, operator):
    item = application(request_item, material=id_card)
    request_item.is_active = False
    request_item.save()
    [result] = send(counter, item)
    assert (result["status"], result["conflict"]) == ("conflict", "item_withdrawn")
    assert request_item.name in result["message"] and not ServiceRequest.objects.exists()
    assert not Attachment.objects.exists()
    # Discarding needs a reason; then it is recorded, audited and stays discarded.
    refused = counter.post("/counter/offline/discard/", {"key": item["key"], "reason": " "})
    assert refused.status_code == 422 and OfflineItem.objects.get().status == "conflict"
    done = counter.post("/counter/offline/discard/", {"key": item["key"], "reason": "居民改日再来办理"})
    assert done.status_code == 200 and done.json()["status"] == "discarded"
    row = OfflineItem.objects.get()
    assert (row.status, row.resolution_note, row.resolved_by) == ("discarded", "居民改日再来办理", operator)
    event = AuditEvent.objects.get(action="offline_item.discarded")
    assert event.data["reason"] == "居民改日再来办理" and event.data["conflict"] == "item_withdrawn"
    # Sent again after that (another tab): still discarded, nothing filed.
    request_item.is_active = True
    request_item.save()
    [after] = send(counter, item)
    assert after["status"] == "discarded" and not ServiceRequest.objects.exists()


def test_a_resident_record_changed_after_the_capture_is_a_conflict_until_the_operator_confirms(
        counter, request_item, id_card, station, operator):
    id_number = valid_id_number(5)
    household = HouseholdFactory(grid=GridFactory(station=station, name="一组"))
    household.members.create(name="王秀兰", id_number=id_number, relation="head", phone="13800001111")
    captured = timezone.now() - datetime.timedelta(hours=2)
    audit_event_record(actor=operator, action="household.changed", target=household, data={"changed": ["name"]})
    item = application(request_item, material=id_card, id_number=id_number, captured_at=captured)
    [result] = send(counter, item)
    assert (result["status"], result["conflict"]) == ("conflict", "resident_changed")
    assert result["detail"]["fields"] == ["applicant_name", "applicant_phone"]
    assert "13800001111" not in json.dumps(result) and not ServiceRequest.objects.exists()
    # Checked with the resident: sent again as captured.
    item["confirm"] = True
    [confirmed] = send(counter, item)
    assert confirmed["status"] == "ok" and ServiceRequest.objects.get().applicant_name == "王秀英"
    assert OfflineItem.objects.get().attempts == 2


def test_a_register_that_changed_before_the_capture_is_not_a_conflict(counter, request_item, id_card, station,
                                                                       operator):
    id_number = valid_id_number(6)
    household = HouseholdFactory(grid=GridFactory(station=station, name="二组"))
    household.members.create(name="李四", id_number=id_number, relation="head")
    audit_event_record(actor=operator, action="household.changed", target=household, data={})
    item = application(request_item, material=id_card, id_number=id_number,
                       captured_at=timezone.now() + datetime.timedelta(minutes=1))
    [result] = send(counter, item)
    assert result["status"] == "ok"


def test_bad_input_comes_back_as_an_error_with_its_fields_and_the_corrected_item_is_filed(
        counter, request_item, id_card):
    item = application(request_item, material=id_card, name="", phone="12345")
    [result] = send(counter, item)
    assert result["status"] == "error" and not ServiceRequest.objects.exists()
    assert set(result["detail"]["fields"]) >= {"applicant_name", "applicant_phone"}
    assert not Attachment.objects.exists()
    fixed = {**item, "fields": [[n, "王秀英" if n == "applicant_name" else "13912345678" if n == "applicant_phone"
                                 else v] for n, v in item["fields"]]}
    [ok] = send(counter, fixed)
    assert ok["status"] == "ok" and ServiceRequest.objects.count() == 1


def test_items_are_done_in_the_order_sent_each_with_its_own_result(counter, request_item, id_card):
    good, bad = application(request_item, material=id_card), application(request_item, name="")
    results = send(counter, good, bad)
    assert [(r["key"], r["status"]) for r in results] == [(good["key"], "ok"), (bad["key"], "error")]


def test_another_stations_operator_cannot_replay_or_take_over_an_item(client, counter, request_item, id_card,
                                                                      other_station):
    item = application(request_item, material=id_card)
    send(counter, item)
    stranger = staff_user(Role.OPERATOR, station=other_station)
    other = Client()
    other.force_login(stranger)
    [result] = send(other, item)
    assert result["status"] == "error" and result["result"] == {}
    assert ServiceRequest.objects.count() == 1 and OfflineItem.objects.get().station != other_station


def test_an_unknown_kind_or_a_missing_key_is_an_error_and_creates_nothing(counter, request_item):
    results = send(counter, {**application(request_item), "kind": "bill_payment"},
                   {**application(request_item), "key": "not-a-key"})
    assert [r["status"] for r in results] == ["error", "error"]
    assert not OfflineItem.objects.exists() and not ServiceRequest.objects.exists()


def test_the_sync_is_for_operators_signed_in_with_the_csrf_token(request_item, operator, liaison):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    assert strict.post(SYNC, {"items": json.dumps([application(request_item)])}).status_code == 403
    anonymous = Client()
    assert anonymous.post(SYNC, {"items": "[]"}).status_code == 302
    relayed = Client()
    relayed.force_login(liaison)
    assert relayed.post(SYNC, {"items": json.dumps([application(request_item)])}).status_code == 403
    assert not OfflineItem.objects.exists()


def test_a_garbled_batch_is_refused_whole(counter):
    assert counter.post(SYNC, {"items": "{"}).status_code == 400
    assert counter.post(SYNC, {"items": json.dumps([{}] * 21)}).status_code == 400


def test_the_catalogue_kept_offline_has_the_items_materials_and_e_forms(counter, request_item, id_card):
    data = counter.get(reverse("gov_services:offline-catalogue")).json()
    [item] = [i for i in data["items"] if i["id"] == request_item.pk]
    assert [m["name"] for m in item["materials"]] == ["身份证", "户口簿"]
    assert 'name="eform-purpose"' in item["eform_html"] and "用途" in item["eform_html"]


def test_the_offline_pages_and_the_service_worker_are_served_in_chinese(counter):
    worker = counter.get("/counter/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/counter/"
    assert "cz-counter-" in worker.content.decode() and "__version__" not in worker.content.decode()
    manifest = counter.get("/counter/manifest.webmanifest").json()
    assert manifest["start_url"] == "/counter/" and manifest["name"] == "村站柜台"
    for path in ("/counter/offline/", "/counter/offline/apply/", "/counter/offline/parcels/",
                 "/counter/offline/sale/", "/counter/offline/conflicts/", "/counter/offline/receipt/"):
        page = counter.get(path).content.decode()
        assert "无待发送" in page and 'rel="manifest"' in page and "Offline" not in page, path
    desk = counter.get("/counter/offline/").content.decode()
    assert "缴费和充值需要服务商的确认" in desk
