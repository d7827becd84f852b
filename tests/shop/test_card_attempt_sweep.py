"""The sweep of checkout card attempts left without an order: a paid one is refunded, an open one
cancelled at the provider, once; young ones and placed ones are left alone; a provider that fails
leaves the attempt for the next run. And the checkout's card check asks the provider with no row lock.
The row locks at work on PostgreSQL are in test_card_attempt_sweep_postgres.py."""

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model

from core.models import AuditEvent
from shop.models import Payment
from shop.payments import decline_message, simulator
from shop.services.card_attempts import card_attempts_sweep
from shop.services.payments import (
    CardNotTaken,
    card_attempt_closed_message,
    checkout_card_attach,
    checkout_card_verify,
    payment_webhook_receive,
    simulated_card_confirm,
)
from shop.tasks import sweep_abandoned_card_attempts
from tests.shop import factories
from tests.shop.card_sweep import NOTHING, _actions, _attempt, _calls, _later
from tests.shop.checkout_steps import GOOD_CARD, confirm_card, place, preview_with
from tests.shop.stripe_fixtures import signed_event

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def test_a_paid_attempt_never_placed_is_refunded_once_and_its_key_freed(simulator_on):
    attempt = _attempt("card_sim")
    assert simulated_card_confirm(client_secret=attempt.client_secret, card_number=GOOD_CARD)[0] == "succeeded"

    assert card_attempts_sweep(now=_later()) == NOTHING | {"refunded": 1}
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED and attempt.order is None
    assert attempt.refund_external_id.startswith("simre_") and attempt.refunded_at is not None
    assert attempt.attempt_key == f"basket-7-card_sim-2400~closed-{attempt.pk}"
    assert _actions(attempt) == ["payment.abandoned_refunded"]

    assert card_attempts_sweep(now=_later()) == NOTHING  # a second run finds nothing to do
    assert _actions(attempt) == ["payment.abandoned_refunded"]


def test_with_stripe_a_card_that_went_through_is_refunded_in_full_with_an_idempotency_key(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "succeeded"  # confirmed in the page; the webhook has not come yet

    assert card_attempts_sweep(now=_later())["refunded"] == 1
    assert _calls(stripe_api) == [f"get /v1/payment_intents/{attempt.external_id}", "post /v1/refunds"]
    _method, _url, headers, form = stripe_api.requests[-1]
    assert form["payment_intent"] == attempt.external_id and form["amount"] == "2400"
    assert headers["Idempotency-Key"] == f"cunzhan-refund-attempt-{attempt.pk}"
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED and attempt.refund_external_id == "re_3Qcunzhan0001"

    # The webhook then arrives: the attempt stays refunded and the next run refunds nothing again.
    payload, header = signed_event("payment_intent.succeeded", {"id": attempt.external_id, "amount": 2400})
    payment_webhook_receive(provider_code="stripe", payload=payload, signature=header)
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED
    assert card_attempts_sweep(now=_later()) == NOTHING and len(stripe_api.requests) == 3


def test_with_stripe_an_unpaid_attempt_is_cancelled_at_stripe(stripe_api):
    attempt = _attempt("stripe")

    assert card_attempts_sweep(now=_later()) == NOTHING | {"cancelled": 1}
    assert _calls(stripe_api)[-1] == f"post /v1/payment_intents/{attempt.external_id}/cancel"
    _method, _url, headers, form = stripe_api.requests[-1]
    assert form == {"cancellation_reason": "abandoned"}
    assert headers["Idempotency-Key"] == f"cunzhan-cancel-{attempt.external_id}"
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.CANCELLED and "~closed-" in attempt.attempt_key
    assert _actions(attempt) == ["payment.abandoned_cancelled"]


def test_an_intent_already_cancelled_at_stripe_counts_as_cancelled(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "canceled"
    stripe_api.cancel_refused_as = "canceled"
    assert card_attempts_sweep(now=_later())["cancelled"] == 1
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.CANCELLED


def test_a_young_attempt_is_left_alone_until_the_grace_period_is_over(stripe_api, settings):
    attempt = _attempt("stripe")
    assert card_attempts_sweep(now=_later(59)) == NOTHING and _calls(stripe_api) == []
    settings.SHOP_CARD_ATTEMPT_GRACE_MINUTES = 20
    assert card_attempts_sweep(now=_later(21))["cancelled"] == 1
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.CANCELLED


def test_an_attempt_that_became_an_order_is_never_touched(stripe_api, merchant_a, station):
    attempt = _attempt("stripe")
    order = factories.order((factories.product(merchant_a.partner), 1), station=station, payment_method="stripe")
    checkout_card_attach(attempt_key=attempt.attempt_key, order=order)

    assert card_attempts_sweep(now=_later(24 * 60)) == NOTHING
    assert _calls(stripe_api) == []  # not even asked about
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.PENDING and attempt.order == order and _actions(attempt) == []


def test_a_cancel_stripe_refuses_leaves_the_attempt_and_the_next_run_refunds_it(stripe_api, caplog):
    """The resident paid between the sweep's status check and its cancel: Stripe refuses the cancel."""
    attempt = _attempt("stripe")
    key = attempt.attempt_key
    stripe_api.cancel_refused_as = "succeeded"

    with caplog.at_level("WARNING", logger="shop.services.card_attempts"):
        assert card_attempts_sweep(now=_later()) == NOTHING | {"failed": 1}
    assert "left for the next sweep" in caplog.text
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.PENDING and attempt.attempt_key == key  # as it was
    assert _actions(attempt) == ["payment.abandoned_sweep_failed"]
    failure = AuditEvent.objects.get(action="payment.abandoned_sweep_failed")
    assert failure.data["step"] == "cancel" and "status of succeeded" in failure.data["error"]

    stripe_api.intent_status = "succeeded"
    assert card_attempts_sweep(now=_later())["refunded"] == 1
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED


def test_a_refund_stripe_refuses_leaves_the_paid_attempt_for_the_next_run(stripe_api):
    attempt = _attempt("stripe")
    payload, header = signed_event("payment_intent.succeeded", {"id": attempt.external_id, "amount": 2400})
    payment_webhook_receive(provider_code="stripe", payload=payload, signature=header)
    stripe_api.refund_refused = True

    assert card_attempts_sweep(now=_later())["failed"] == 1
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.PAID and attempt.refunded_at is None and "~" not in attempt.attempt_key

    stripe_api.refund_refused = False
    assert card_attempts_sweep(now=_later())["refunded"] == 1
    assert _calls(stripe_api).count("post /v1/refunds") == 2  # the paid attempt needs no status check


def test_a_late_succeeded_notification_after_the_cancel_is_refunded_by_the_next_run(client, simulator_on):
    attempt = _attempt("card_sim")
    assert card_attempts_sweep(now=_later())["cancelled"] == 1

    # The demo gateway now refuses the closed attempt, as Stripe refuses a cancelled PaymentIntent …
    answer = client.post(reverse("shop:card-simulator-confirm"),
                         {"client_secret": attempt.client_secret, "card_number": GOOD_CARD})
    assert answer.status_code == 402 and answer.json()["error"] == decline_message("payment_intent_unexpected_state")
    # … but a notification sent before the cancel arrives late: the card was charged after all.
    payload, signature = simulator.simulated_event(external_id=attempt.external_id, kind="succeeded",
                                                   amount_fen=2400)
    assert client.post(reverse("shop:payment-webhook", args=["card_sim"]), payload, content_type="application/json",
                       HTTP_X_SIMULATOR_SIGNATURE=signature).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.PAID and attempt.order is None

    assert card_attempts_sweep(now=_later()) == NOTHING | {"refunded": 1}
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED
    assert _actions(attempt) == ["payment.abandoned_cancelled", "payment.abandoned_refunded"]
    assert card_attempts_sweep(now=_later()) == NOTHING


def test_after_a_sweep_the_stale_page_is_refused_and_the_same_basket_pays_with_a_fresh_attempt(
        shopper, pickup_station, simulator_on):
    preview = preview_with(shopper, pickup_station, "card_sim")
    stale = preview.context["card_payment"]
    confirm_card(shopper, stale, GOOD_CARD)  # paid, then the resident walked away from the page
    assert card_attempts_sweep(now=_later())["refunded"] == 1

    refused = place(shopper, preview)  # the old page is submitted anyway
    assert refused.status_code == 200 and not Order.objects.exists()
    assert card_attempt_closed_message() in refused.content.decode()
    fresh = refused.context["card_payment"]
    assert fresh.pk != stale.pk and fresh.attempt_key == "basket-{}-card_sim-2400".format(
        shopper.get(reverse("basket:summary")).context["basket"].id)
    assert fresh.status == Payment.Status.PENDING and fresh.external_id != stale.external_id

    confirm_card(shopper, fresh, GOOD_CARD)
    assert place(shopper, refused).status_code == 302
    fresh.refresh_from_db()
    assert fresh.order == Order.objects.get() and fresh.status == Payment.Status.PAID
    assert Payment.objects.get(pk=stale.pk).status == Payment.Status.REFUNDED
    assert card_attempts_sweep(now=_later()) == NOTHING


def test_the_sweep_task_runs_the_sweep_and_is_on_the_beat_schedule(settings, simulator_on):
    attempt = _attempt("card_sim")
    assert sweep_abandoned_card_attempts.delay().get() == NOTHING  # young: nothing yet
    settings.SHOP_CARD_ATTEMPT_GRACE_MINUTES = 0
    assert sweep_abandoned_card_attempts.delay().get()["cancelled"] == 1
    assert Payment.objects.get(pk=attempt.pk).status == Payment.Status.CANCELLED
    entry = settings.CELERY_BEAT_SCHEDULE["shop-card-attempts-sweep"]
    assert entry["task"] == sweep_abandoned_card_attempts.name and entry["schedule"] == 15 * 60


def test_the_checkout_asks_stripe_before_it_locks_the_attempt_row(stripe_api, monkeypatch):
    """The row lock serialises the placing; the provider's answer is awaited with no lock held."""
    attempt = _attempt("stripe")
    steps: list[str] = []
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        if queryset.model is Payment:
            steps.append("lock")
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    stripe_api.on_request = lambda method, url: steps.append(f"{method} {url.rsplit('/', 1)[-1]}")
    stripe_api.intent_status = "succeeded"
    assert checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400).pk == attempt.pk
    assert steps == [f"get {attempt.external_id}", "lock"]


def test_the_checkout_refuses_an_attempt_the_sweep_closed_while_stripe_answered(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "succeeded"
    stripe_api.on_request = lambda method, url: (
        method == "get" and Payment.objects.filter(pk=attempt.pk).update(
            status=Payment.Status.REFUNDED, refunded_at=timezone.now(), attempt_key=f"{attempt.attempt_key}~closed-1"))
    with pytest.raises(CardNotTaken, match="付款已关闭"):
        checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400)


def test_the_checkout_reads_an_unconfirmed_stripe_intent_as_not_paid_yet(stripe_api):
    attempt = _attempt("stripe")  # Stripe answers "requires_payment_method"
    with translation.override("en"), pytest.raises(CardNotTaken, match="has not gone through yet"):
        checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400)
    assert Payment.objects.get(pk=attempt.pk).status == Payment.Status.PENDING


def test_a_card_paid_within_the_grace_period_is_left_to_be_placed_however_old_the_attempt(simulator_on):
    attempt = _attempt("card_sim")
    Payment.objects.filter(pk=attempt.pk).update(created_at=timezone.now() - timedelta(hours=3))
    assert simulated_card_confirm(client_secret=attempt.client_secret, card_number=GOOD_CARD)[0] == "succeeded"

    assert card_attempts_sweep() == NOTHING  # paid a moment ago: the resident is placing the order
    assert card_attempts_sweep(now=_later())["refunded"] == 1
