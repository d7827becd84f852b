"""Paying by card inside the checkout: the card is confirmed on the preview page (simulator or Stripe),
the order is placed only once it went through, and a double submit never makes a second order or payment."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from shop.models import Payment, PaymentEvent
from shop.payments import decline_message
from tests.concurrency import run_together
from tests.shop.checkout_steps import DECLINED_CARD, GOOD_CARD, confirm_card, place, preview_with
from tests.shop.stripe_fixtures import signed_event

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def test_the_card_is_paid_on_the_preview_page_and_then_the_order_is_placed(shopper, pickup_station, simulator_on):
    preview = preview_with(shopper, pickup_station, "card_sim")
    page = preview.content.decode()
    assert "data-card-step" in page and "shop/checkout_card.js" in page and "js.stripe.com" not in page
    payment = preview.context["card_payment"]
    assert payment.order is None and payment.amount_fen == 2400 and payment.status == "pending"
    assert preview_with(shopper, pickup_station, "card_sim").context["card_payment"].pk == payment.pk  # reload: same one

    confirmed = confirm_card(shopper, payment, GOOD_CARD)
    assert confirmed.status_code == 200 and confirmed.json() == {"status": "succeeded"}
    payment.refresh_from_db()
    assert payment.status == "paid"  # by the signed notification, before any order exists

    response = place(shopper, preview)
    assert response.status_code == 302 and response.url.endswith(reverse("checkout:thank-you"))
    order = Order.objects.get()
    payment.refresh_from_db()
    assert payment.order == order and PaymentEvent.objects.count() == 1
    assert 'data-payment-status="card_paid"' in shopper.get(response.url).content.decode()
    assert shopper.get(reverse("basket:summary")).context["basket"].num_items == 0


def test_a_declined_card_leaves_the_basket_intact_and_says_so(shopper, pickup_station, simulator_on):
    preview = preview_with(shopper, pickup_station, "card_sim")
    payment = preview.context["card_payment"]
    declined = confirm_card(shopper, payment, DECLINED_CARD)
    assert declined.status_code == 402
    assert declined.json()["status"] == "declined" and declined.json()["error"] == decline_message("card_declined")
    with translation.override("en"):
        assert "declined" in decline_message("card_declined") and "basket is unchanged" in decline_message("")

    # Even if the form is sent anyway, no order is placed and the preview shows the error.
    response = place(shopper, preview)
    assert response.status_code == 200 and decline_message("card_declined") in response.content.decode()
    assert not Order.objects.exists()
    assert shopper.get(reverse("basket:summary")).context["basket"].num_items == 2
    payment.refresh_from_db()
    assert payment.status == "failed"

    # Another card on the same page then goes through, on the same payment.
    assert confirm_card(shopper, payment, GOOD_CARD).json()["status"] == "succeeded"
    assert place(shopper, preview).status_code == 302
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_an_invalid_number_is_refused_without_reaching_the_gateway(shopper, pickup_station, simulator_on):
    payment = preview_with(shopper, pickup_station, "card_sim").context["card_payment"]
    answer = confirm_card(shopper, payment, "1234 5678").json()
    assert answer["code"] == "incorrect_number" and not PaymentEvent.objects.exists()


def test_an_unpaid_card_does_not_place_the_order(shopper, pickup_station, simulator_on):
    preview = preview_with(shopper, pickup_station, "card_sim")
    response = place(shopper, preview)
    assert response.status_code == 200 and not Order.objects.exists()


def test_a_double_submit_makes_one_order_and_one_payment(shopper, pickup_station, simulator_on):
    preview = preview_with(shopper, pickup_station, "card_sim")
    payment = preview.context["card_payment"]
    confirm_card(shopper, payment, GOOD_CARD)
    confirm_card(shopper, payment, GOOD_CARD)  # a second press of Pay sends nothing again
    first, second = place(shopper, preview), place(shopper, preview)
    assert first.status_code == second.status_code == 302
    assert second.url.endswith(reverse("checkout:thank-you"))
    assert Order.objects.count() == 1 and Payment.objects.count() == 1 and PaymentEvent.objects.count() == 1
    assert shopper.get(second.url).context["order"] == Order.objects.get()


def test_a_double_submit_of_a_cash_order_makes_one_order(shopper, pickup_station):
    preview = preview_with(shopper, pickup_station, "cash")
    data = {"action": "place_order", "order_number": preview.context["order_number"]}
    first = shopper.post(reverse("checkout:preview"), data)
    second = shopper.post(reverse("checkout:preview"), data)
    assert first.status_code == second.status_code == 302 and second.url.endswith(reverse("checkout:thank-you"))
    assert Order.objects.count() == 1 and not Payment.objects.exists()


def test_the_simulator_gateway_is_off_when_stripe_is_configured(client, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    assert client.post(reverse("shop:card-simulator-confirm"), {}).status_code == 404


def test_with_stripe_the_payment_intent_is_made_once_and_the_webhook_marks_it_paid_once(
        client, shopper, pickup_station, stripe_on):
    preview = preview_with(shopper, pickup_station, "stripe")
    assert "js.stripe.com" in preview.content.decode() and 'data-card-mode="stripe"' in preview.content.decode()
    preview_with(shopper, pickup_station, "stripe")  # a reload asks Stripe nothing new
    creates = [r for r in stripe_on.requests if r[0] == "post"]
    payment = preview.context["card_payment"]
    assert len(creates) == 1 and creates[0][2]["Idempotency-Key"] == f"cunzhan-payment-{payment.pk}"

    assert place(shopper, preview).status_code == 200 and not Order.objects.exists()  # not confirmed yet
    stripe_on.intent_status = "succeeded"  # Stripe.js confirmed the card in the page
    response = place(shopper, preview)
    assert response.status_code == 302 and Order.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.order == Order.objects.get()  # paid only by the webhook

    intent = {"id": payment.external_id, "object": "payment_intent", "amount": 2400, "currency": "cny"}
    for _delivery in range(2):
        payload, header = signed_event("payment_intent.succeeded", intent)
        assert client.post(reverse("shop:payment-webhook", args=["stripe"]), payload,
                           content_type="application/json", HTTP_STRIPE_SIGNATURE=header).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid" and PaymentEvent.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_place_order_requests_at_the_same_moment_make_one_order_and_one_payment(
        shopper, pickup_station, simulator_on):
    """A double tap on a slow network: both requests pass the first check; the basket's row lock
    lines them up and the second finds the order the first placed."""
    preview = preview_with(shopper, pickup_station, "card_sim")
    payment = preview.context["card_payment"]
    confirm_card(shopper, payment, GOOD_CARD)
    data = {"action": "place_order", "card_attempt": payment.attempt_key,
            "order_number": preview.context["order_number"]}
    def submit():
        browser = Client()
        browser.cookies = shopper.cookies  # the same browser: same session, same basket
        return browser.post(reverse("checkout:preview"), data)

    results = run_together(submit, submit, timeout=30)
    assert all(getattr(r, "status_code", None) == 302 for r in results), results
    assert all(r.url.endswith(reverse("checkout:thank-you")) for r in results)
    assert Order.objects.count() == 1 and Payment.objects.count() == 1 and PaymentEvent.objects.count() == 1


def test_stripe_js_is_allowed_on_the_card_page_only_and_only_while_stripe_is_configured(
        shopper, pickup_station, stripe_on):
    header = preview_with(shopper, pickup_station, "stripe")["Content-Security-Policy"]
    rules = {name: sources for name, *sources in (part.split() for part in header.split(";"))}
    assert rules["script-src"][0] == "'self'" and "https://js.stripe.com" in rules["script-src"]
    assert rules["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert rules["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert "stripe" not in shopper.get(reverse("basket:summary"))["Content-Security-Policy"]


def test_without_stripe_keys_the_card_page_allows_no_third_party(shopper, pickup_station, simulator_on):
    assert "stripe" not in preview_with(shopper, pickup_station, "card_sim")["Content-Security-Policy"]
