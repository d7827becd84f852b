"""Card payments through Stripe: the real `stripe` library against recorded HTTP responses."""

import pytest
from django.urls import reverse

from shop.models import OrderPart, Payment, PaymentEvent
from shop.payments import available_providers
from shop.services import orders as order_services
from shop.services.payments import payment_start
from tests.shop import factories
from tests.shop.stripe_fixtures import signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(merchant_a, station):
    item = factories.product(merchant_a.partner, title="电饭煲", price="199.00")
    return factories.order((item, 1), station=station, payment_method="stripe")


def _webhook(client, event_type, obj, **kwargs):
    payload, header = signed_event(event_type, obj, **kwargs)
    return client.post(reverse("shop:payment-webhook", args=["stripe"]), payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header)


def test_stripe_is_offered_only_when_its_keys_are_set(settings, stripe_on):
    assert "stripe" in [p.code for p in available_providers()]
    settings.STRIPE_SECRET_KEY = ""
    assert "stripe" not in [p.code for p in available_providers()]


def test_starting_a_payment_creates_a_payment_intent_in_fen_with_an_idempotency_key(stripe_on, card_order):
    payment = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    _method, url, headers, form = stripe_on.requests[0]
    assert url.endswith("/v1/payment_intents") and form["amount"] == "19900" and form["currency"] == "cny"
    assert headers["Idempotency-Key"] == f"cunzhan-payment-{payment.pk}"
    assert payment.external_id == "pi_3Qcunzhan0001" and payment.status == "pending"
    again = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    assert again.pk == payment.pk and len(stripe_on.requests) == 1  # a retry asks Stripe nothing


def test_the_signed_webhook_marks_the_order_paid_once_and_a_replay_changes_nothing(client, stripe_on, card_order):
    payment = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    intent = {"id": payment.external_id, "object": "payment_intent", "amount": 19900, "currency": "cny"}
    assert _webhook(client, "payment_intent.succeeded", intent).status_code == 200
    assert _webhook(client, "payment_intent.succeeded", intent).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid" and PaymentEvent.objects.count() == 1


def test_a_webhook_with_a_bad_signature_is_refused(client, stripe_on, card_order):
    payment = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    intent = {"id": payment.external_id, "object": "payment_intent", "amount": 19900}
    response = _webhook(client, "payment_intent.succeeded", intent, secret="whsec_someone_else")
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pending" and not PaymentEvent.objects.exists()


def test_a_failed_card_leaves_the_order_unpaid(client, stripe_on, card_order):
    payment = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    _webhook(client, "payment_intent.payment_failed", {"id": payment.external_id, "amount": 19900})
    payment.refresh_from_db()
    assert payment.status == "failed"


def test_a_refund_goes_back_through_stripe_for_the_parts_amount(client, stripe_on, card_order):
    payment = payment_start(order=card_order, provider_code="stripe", amount_fen=19900)
    _webhook(client, "payment_intent.succeeded", {"id": payment.external_id, "amount": 19900})
    part = card_order.parts.get()
    merchant_user = part.partner.users.get()
    order_services.order_part_move(user=merchant_user, part_id=part.pk, to_status=OrderPart.Status.CANCELLED,
                                   note="缺货")
    order_services.order_part_move(user=merchant_user, part_id=part.pk, to_status=OrderPart.Status.REFUNDED)
    _method, url, headers, form = stripe_on.requests[-1]
    assert url.endswith("/v1/refunds") and form["amount"] == "19900"
    assert form["payment_intent"] == payment.external_id
    assert headers["Idempotency-Key"] == f"cunzhan-refund-{part.reference}"
    assert Payment.objects.get(pk=payment.pk).refunds.get().external_id == "re_3Qcunzhan0001"
