"""Request guarantees that need PostgreSQL: the append-only trigger, concurrent double submit and
double click (row locks, the unique idempotency key)."""

import threading
import uuid

import pytest
from django.db import IntegrityError, transaction

from core.state_machine import TransitionNotAllowed
from gov_services.models import Attachment, RequestEvent, ServiceRequest
from gov_services.requests import services as services
from gov_services.requests.services import intake
from tests.concurrency import run_together
from tests.factories import jpeg_bytes, png_bytes, upload, valid_id_number

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("private_files")]


def _form(operator, station, request_item, key):
    return {
        "actor": operator, "idempotency_key": key, "kind": "application", "item": request_item,
        "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1), "applicant_phone": "13812345678",
        "consent": "signature", "channel": "counter", "station": station, "form_data": {"purpose": "子女入学"},
        "attachments": [upload("身份证.jpg", jpeg_bytes(), request_item.materials.get(name="身份证"))],
        "signature": png_bytes(),
    }


@pytest.mark.django_db
def test_postgresql_refuses_to_edit_or_delete_request_events(operator, station, request_item):
    filed = services.service_request_submit(**_form(operator, station, request_item, uuid.uuid4()))
    event = RequestEvent.objects.get(request=filed)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RequestEvent.objects.filter(pk=event.pk).update(note="forged")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RequestEvent.objects.filter(pk=event.pk).delete()
    assert RequestEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_request_and_both_get_it(operator, station, request_item,
                                                                      monkeypatch):
    key = uuid.uuid4()
    barrier = threading.Barrier(2, timeout=30)
    inserted: list[bool] = []
    original = intake.insert_once

    def racing_insert(request, **options):
        barrier.wait()  # both have passed the "already filed?" look-up before either inserts
        winner = original(request, **options)
        inserted.append(winner is None)
        return winner

    monkeypatch.setattr(intake, "insert_once", racing_insert)
    first, second = run_together(
        lambda: services.service_request_submit(**_form(operator, station, request_item, key)),
        lambda: services.service_request_submit(**_form(operator, station, request_item, key)),
    )
    assert isinstance(first, ServiceRequest) and isinstance(second, ServiceRequest), (first, second)
    assert first.pk == second.pk and first.tracking_code == second.tracking_code
    assert sorted(inserted) == [False, True]  # one inserted; the other hit the unique key and got the winner
    assert (ServiceRequest.objects.count(), RequestEvent.objects.count(), Attachment.objects.count()) == (1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click_on_accept_moves_once(operator, station, request_item, officer):
    filed = services.service_request_submit(**_form(operator, station, request_item, uuid.uuid4()))
    barrier = threading.Barrier(2, timeout=30)

    def click():
        request = ServiceRequest.objects.get(pk=filed.pk)  # each click rendered from a submitted request
        barrier.wait()
        return services.service_request_accept(request=request, actor=officer)

    results = run_together(click, click)
    assert sorted(type(r).__name__ for r in results) == ["ServiceRequest", "TransitionNotAllowed"], results
    assert any(isinstance(r, TransitionNotAllowed) for r in results)
    assert RequestEvent.objects.filter(request=filed, action="accept").count() == 1
    assert ServiceRequest.objects.get(pk=filed.pk).status == ServiceRequest.Status.ACCEPTED
