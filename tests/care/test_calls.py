"""care/services/calls/: intake, dispatch, decline and hand-on, the offer's timeout (Celery, eager) and
the beat sweep as safety net, the steps at the door, confirmation; each idempotent."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from care.models import CareAlert, CareCall, CareOffer, Responder
from care.services import calls as services
from care.tasks import care_offer_timeout, care_sweep
from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from tests.clock import clock_at

pytestmark = pytest.mark.django_db


def take(world, **fields):
    values = {"service": "medicine", "urgency": "routine", "description": "降压药吃完了",
              "idempotency_key": uuid.uuid4(), **fields}
    return services.care_call_take(actor=world["operator"], resident=world["resident"], **values)


def test_taking_a_call_twice_with_the_same_key_makes_one_call(world):
    key = uuid.uuid4()
    first = take(world, idempotency_key=key)
    again = take(world, idempotency_key=key)
    assert first.pk == again.pk and CareCall.objects.count() == 1
    with pytest.raises(ValidationError):
        take(world, idempotency_key=key, description="别的事")


def test_an_urgent_call_tells_the_liaison_and_the_emergency_contact(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        take(world, urgency="urgent")
    phones = set(SmsOutboxMessage.objects.filter(purpose="care_urgent").values_list("phone", flat=True))
    assert phones == {"13600000009", "13912345678"}


def test_dispatch_offers_the_best_responder_with_a_signed_link_by_text(world, django_capture_on_commit_callbacks):
    call = take(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.care_call_dispatch(actor=world["operator"], call=call)
        services.care_call_dispatch(actor=world["operator"], call=call)  # a double click: one offer
    call.refresh_from_db()
    offer = call.offers.get()
    assert call.status == CareCall.Status.OFFERED and offer.responder == world["first"]
    sms = SmsOutboxMessage.objects.get(purpose="care_offer")
    assert sms.phone == "13700000001" and "/care/r/" in sms.text and "******" in sms.text  # the link kept masked
    assert sms.params["ref"] == call.reference and sms.params["link"].endswith("/******/")


def test_a_decline_hands_the_call_on_and_the_second_accepts(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    first = call.offers.get()
    services.care_offer_answer(offer_id=first.pk, nonce=first.nonce, accept=False)
    services.care_offer_answer(offer_id=first.pk, nonce=first.nonce, accept=False)  # again: nothing more
    second = call.offers.get(position=2)
    assert second.responder == world["second"]
    services.care_offer_answer(offer_id=second.pk, nonce=second.nonce, accept=True)
    call.refresh_from_db()
    assert call.status == CareCall.Status.ACCEPTED and call.responder == world["second"]
    with pytest.raises(ValidationError):  # the first cannot take it back
        services.care_offer_answer(offer_id=first.pk, nonce=first.nonce, accept=True)


def test_nobody_left_leaves_the_call_unassigned_with_one_alert(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    for _ in range(2):
        offer = call.offers.get(status=CareOffer.Status.OFFERED)
        services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=False)
    call.refresh_from_db()
    assert call.status == CareCall.Status.UNASSIGNED
    assert CareAlert.objects.filter(call=call, kind=CareAlert.Kind.UNASSIGNED).count() == 1


def test_the_timeout_task_hands_on_only_once_the_time_is_up(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    assert care_offer_timeout.delay(offer.pk).get() is False  # eager Celery, early: nothing
    later = offer.expires_at + timedelta(seconds=1)
    with clock_at(later):
        assert care_offer_timeout.delay(offer.pk).get() is True
        assert care_offer_timeout.delay(offer.pk).get() is False  # redelivered: nothing more
    offer.refresh_from_db()
    assert offer.status == CareOffer.Status.EXPIRED
    assert call.offers.get(position=2).status == CareOffer.Status.OFFERED


def test_the_beat_sweep_hands_on_an_offer_whose_task_never_came(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    with clock_at(offer.expires_at + timedelta(minutes=1)):
        first = care_sweep.delay().get()
        again = care_sweep.delay().get()
    assert first["expired"] == 1 and again["expired"] == 0
    assert call.offers.filter(status=CareOffer.Status.OFFERED).get().responder == world["second"]


def test_an_answer_after_the_time_is_up_is_refused_and_the_call_moves_on(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    with clock_at(offer.expires_at + timedelta(seconds=5)), pytest.raises(ValidationError):
        services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    assert call.offers.get(position=2).status == CareOffer.Status.OFFERED


def test_a_suspended_or_expired_responder_is_never_offered(world):
    Responder.objects.filter(pk=world["first"].pk).update(status=Responder.Status.SUSPENDED)
    Responder.objects.filter(pk=world["second"].pk).update(contract_ends_on=timezone.localdate() - timedelta(days=1))
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    call.refresh_from_db()
    assert call.status == CareCall.Status.UNASSIGNED and not call.offers.exists()


def test_arrive_complete_within_terms_confirm_and_rate(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    with pytest.raises(ValidationError):
        services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="送到", amount_fen=3001)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="送到", amount_fen=1200)
    call = services.care_call_confirm(actor=world["liaison"], call=call, rating=5, note="很及时")
    assert (call.status, call.amount_fen, call.subsidy_fen, call.rating) == (CareCall.Status.CONFIRMED, 1200, 1500, 5)
    actions = [e.action for e in audit_events_for(call).order_by("pk")]
    assert actions == ["care.call.taken", "care.call.offered", "care.call.accepted", "care.call.arrived",
                       "care.call.completed", "care.call.confirmed"]


def test_a_wrong_nonce_opens_nothing(world):
    call = take(world)
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    with pytest.raises(ValidationError):
        services.care_offer_answer(offer_id=offer.pk, nonce="forged", accept=True)


def test_late_steps_alert_once_each(world, django_capture_on_commit_callbacks):
    call = take(world)
    with clock_at(call.created_at + timedelta(minutes=16)), django_capture_on_commit_callbacks(execute=True):
        assert services.care_calls_sweep()["late"] == 1
        assert services.care_calls_sweep()["late"] == 0
    assert CareAlert.objects.filter(kind=CareAlert.Kind.LATE, call=call).count() == 1
    assert SmsOutboxMessage.objects.filter(purpose="care_late", phone="13500000005").count() == 1


def test_someone_outside_the_care_scope_cannot_take_or_dispatch(world):
    from tests.factories import UserFactory

    stranger = UserFactory()
    with pytest.raises(Exception) as refused:
        services.care_call_take(actor=stranger, resident=world["resident"], service="medicine", urgency="routine",
                                description="x", idempotency_key=uuid.uuid4())
    assert refused.typename == "PermissionDenied"
