"""Intake at the station counter and by the grid liaison (/counter/care/…): a known caller's record opens at
once, the call is offered to the best responder in the same step, the liaison confirms and rates; neither
sees residents of another station or grid."""

import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from care.models import CareCall
from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from stations.models import StaffAssignment
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db


def operator_of(station):
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, station=station, role=StaffAssignment.Role.OPERATOR)
    return user


def intake(resident):
    return reverse("care:counter-call-create", kwargs={"pk": resident.pk})


def form(**fields):
    return {"idempotency_key": str(uuid.uuid4()), "service": "medicine", "urgency": "routine",
            "description": "降压药吃完了", **fields}


def test_the_callers_number_opens_their_record_at_the_counter_at_once(client, world):
    client.force_login(operator_of(world["station"]))
    answer = client.get(reverse("care:counter-care"), {"phone": "+86 139 1234 5678"})  # her son calls
    assert answer.status_code == 302 and answer.url == intake(world["resident"])
    page = client.get(answer.url)
    assert page.status_code == 200
    assert "王秀兰" in page.content.decode() and "13912345678" in page.content.decode()
    assert audit_events_for(world["resident"]).filter(action="care.resident.viewed").count() == 1


def test_a_call_taken_at_the_counter_goes_to_the_best_responder_at_once_and_only_once(client, world,
                                                                                     django_capture_on_commit_callbacks):
    operator = operator_of(world["station"])
    client.force_login(operator)
    sent = form()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(intake(world["resident"]), sent)
        again = client.post(intake(world["resident"]), sent)  # a double click
    call = CareCall.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == reverse("care:counter-call-detail", kwargs={"pk": call.pk})
    assert (call.channel, call.status, call.taken_by) == (CareCall.Channel.COUNTER, CareCall.Status.OFFERED, operator)
    assert call.offers.get().responder == world["first"]
    assert SmsOutboxMessage.objects.filter(purpose="care_offer", phone=world["first"].phone).count() == 1
    assert client.get(first.url).status_code == 200


def test_the_liaison_takes_a_call_relayed_and_rates_it_on_the_residents_behalf(client, world):
    from care.services import calls as services

    client.force_login(world["liaison"])
    assert client.post(intake(world["resident"]), form(urgency="urgent")).status_code == 302
    call = CareCall.objects.get()
    assert call.channel == CareCall.Channel.LIAISON and call.is_urgent
    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="已送到", amount_fen=0)
    url = reverse("care:counter-call-detail", kwargs={"pk": call.pk})
    assert 'name="rating"' in client.get(url).content.decode()
    assert client.post(url, {"rating": "4", "note": "满意"}).status_code == 302
    call.refresh_from_db()
    assert (call.status, call.rating) == (CareCall.Status.CONFIRMED, 4)


def test_an_operator_who_is_not_the_liaison_does_not_rate(client, world):
    from care.services import calls as services

    operator = operator_of(world["station"])
    call = services.care_call_take(actor=operator, resident=world["resident"], service="medicine", urgency="routine",
                                   description="买药", idempotency_key=uuid.uuid4(), offer_at_once=True)
    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="已送到", amount_fen=0)
    client.force_login(operator)
    url = reverse("care:counter-call-detail", kwargs={"pk": call.pk})
    assert 'name="rating"' not in client.get(url).content.decode()
    assert client.post(url, {"rating": "5"}).status_code == 403
    call.refresh_from_db()
    assert call.rating is None


def test_another_stations_operator_and_another_grids_liaison_see_nothing(client, world):
    elsewhere = operator_of(StationFactory(village=world["other_village"]))
    other_liaison = UserFactory(roles=[Role.LIAISON])
    StaffAssignmentFactory(user=other_liaison, station=world["station"], role=StaffAssignment.Role.LIAISON)
    from care.services import calls as services

    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="routine", description="买药", idempotency_key=uuid.uuid4())
    for user in (elsewhere, other_liaison):
        client.force_login(user)
        assert client.get(intake(world["resident"])).status_code == 404
        assert client.post(intake(world["resident"]), form()).status_code == 404
        assert client.get(reverse("care:counter-call-detail", kwargs={"pk": call.pk})).status_code == 404
        assert client.get(reverse("care:counter-care"), {"phone": "13812345678"}).status_code == 200
        assert "王秀兰" not in client.get(reverse("care:counter-care")).content.decode()
    assert CareCall.objects.count() == 1


def test_the_counter_page_is_for_station_staff(client, world):
    client.force_login(world["operator"])  # a care operator has no station post
    assert client.get(reverse("care:counter-care")).status_code == 403
