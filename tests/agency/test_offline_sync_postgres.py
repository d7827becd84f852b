"""The offline counter's sync from two tabs at once, on PostgreSQL (agency/offline_sync.py): the operator
has the counter open twice; when the network returns both tabs send the same outbox (an application with a
scan, a parcel hand-over) at the same moment. The item's row is inserted under its key first, so the second
tab waits for the first tab's answer and gets it: one request, one scan, one hand-over, one cash entry."""

import json
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from agency import offline_sync
from agency.models import CounterTransaction, OfflineItem
from gov_services.models import Attachment, ServiceRequest
from shop.models import OrderPart, OrderPartEvent
from tests.concurrency import run_together
from tests.factories import png_bytes, valid_id_number
from tests.gov_services.counter_helpers import signature_data_url
from tests.shop import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("private_files")]
SYNC = "/counter/offline/sync/"


@pytest.fixture
def waiting(tree, operator, station, resident):
    merchant = factories.merchant(name="甲商户", townships=[tree["townships"][0]])
    eggs = factories.product(merchant.partner, title="土鸡蛋", price="12.50", stock=10)
    part = factories.order((eggs, 2), station=station, user=resident, phone="13911112222").parts.get()
    return factories.part_ready(part, merchant_user=merchant.partner.users.get(), operator=operator)


def _outbox(request_item, part) -> list[dict]:
    material = request_item.materials.get(name="身份证")
    application_key, handover_key = str(uuid.uuid4()), str(uuid.uuid4())
    now = timezone.now().isoformat()
    application = {
        "key": application_key, "kind": "application", "local_number": "临20261206-001", "captured_at": now,
        "confirm": False,
        "fields": [["item_id", str(request_item.pk)], ["applicant_name", "王秀英"],
                   ["applicant_id_number", valid_id_number(3)], ["applicant_phone", "13912345678"],
                   ["consent", "signature"], ["signature", signature_data_url()], ["eform-purpose", "办理低保"]],
        "files": [{"field": f"material-{material.pk}", "name": "身份证.png", "part": f"f-{application_key}-0"}],
    }
    handover = {"key": handover_key, "kind": "parcel_handover", "local_number": "临20261206-002",
                "captured_at": now, "confirm": False,
                "fields": [["part_id", str(part.pk)], ["code", part.pickup_code]], "files": []}
    return [application, handover]


def _tab(operator, outbox):
    client = Client()
    client.force_login(operator)

    def send():
        data = {"items": json.dumps(outbox), f"f-{outbox[0]['key']}-0": SimpleUploadedFile(
            "身份证.png", png_bytes((200, 120)), content_type="image/png")}
        response = client.post(SYNC, data)
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return send


def test_two_tabs_syncing_the_same_outbox_at_once_create_everything_once(operator, request_item, waiting,
                                                                         monkeypatch):
    outbox = _outbox(request_item, waiting)
    first_tab, second_tab = _tab(operator, outbox), _tab(operator, outbox)
    events, till = OrderPartEvent.objects.count(), CounterTransaction.objects.count()
    # Both tabs reach the insert of the outbox's first item before either has inserted it.
    barrier = threading.Barrier(2, timeout=30)
    original = offline_sync.insert_once

    def racing_insert(row, **options):
        if row.kind == "application":
            barrier.wait()
        return original(row, **options)

    monkeypatch.setattr(offline_sync, "insert_once", racing_insert)
    one, other = run_together(first_tab, second_tab)

    assert not isinstance(one, Exception) and not isinstance(other, Exception), (one, other)
    assert [r["status"] for r in one] == [r["status"] for r in other] == ["ok", "ok"], (one, other)
    assert one == other  # the tab that waited got the first tab's answers
    request = ServiceRequest.objects.get()
    assert one[0]["result"]["reference"].replace("-", "") == request.tracking_code
    assert Attachment.objects.filter(request=request).count() == 1
    waiting.refresh_from_db()
    assert waiting.status == OrderPart.Status.COLLECTED
    assert OrderPartEvent.objects.count() == events + 1 and CounterTransaction.objects.count() == till + 1
    assert sorted(OfflineItem.objects.values_list("kind", "status", "attempts")) == [
        ("application", "ok", 1), ("parcel_handover", "ok", 1)]
