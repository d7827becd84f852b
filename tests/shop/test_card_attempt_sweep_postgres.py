"""The sweep of abandoned checkout card attempts on PostgreSQL: the row locks at work when two sweeps, or a
sweep and a resident placing the order, meet; and no row lock is held while Stripe answers."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError

from shop.models import Payment
from shop.services.card_attempts import card_attempts_sweep
from shop.services.payments import (
    CardNotTaken,
    card_attempt_closed_message,
    checkout_card_attach,
    checkout_card_verify,
    simulated_card_confirm,
)
from tests.shop import factories
from tests.shop.card_sweep import NOTHING, _actions, _attempt, _calls, _later
from tests.shop.checkout_steps import GOOD_CARD

pytestmark = pytest.mark.django_db


# --- PostgreSQL: the row locks at work. ---

def _in_thread(target) -> threading.Thread:
    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_refund_once(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "succeeded"
    both_asked = threading.Barrier(2, timeout=30)

    def on_request(method, url):
        if method == "get":
            both_asked.wait()  # both sweeps have read the attempt before either locks it
        elif url.endswith("/v1/refunds"):
            time.sleep(0.5)  # the first holds the lock while the second tries

    stripe_api.on_request = on_request
    results = []
    threads = [_in_thread(lambda: results.append(card_attempts_sweep(now=_later()))) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r["refunded"] for r in results) == [0, 1] and sorted(r["skipped"] for r in results) == [0, 1]
    assert _calls(stripe_api).count("post /v1/refunds") == 1
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED and _actions(attempt) == ["payment.abandoned_refunded"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_an_attempt_being_placed_and_then_leaves_it_with_its_order(
        simulator_on, merchant_a, station):
    attempt = _attempt("card_sim")
    simulated_card_confirm(client_secret=attempt.client_secret, card_number=GOOD_CARD)
    order = factories.order((factories.product(merchant_a.partner), 1), station=station, payment_method="card_sim")
    locked, swept, failures = threading.Event(), threading.Event(), []

    def place():  # the resident's placing request: verify, (Oscar places the order), attach — one transaction
        try:
            with transaction.atomic():
                checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400)
                locked.set()
                assert swept.wait(30)
                checkout_card_attach(attempt_key=attempt.attempt_key, order=order)
        except Exception as error:
            failures.append(error)
            locked.set()

    placing = _in_thread(place)
    assert locked.wait(30)
    assert card_attempts_sweep(now=_later()) == NOTHING | {"skipped": 1}  # locked by the placing
    swept.set()
    placing.join(timeout=60)
    assert failures == []
    assert card_attempts_sweep(now=_later()) == NOTHING  # it has its order now
    attempt.refresh_from_db()
    assert attempt.order == order and attempt.status == Payment.Status.PAID and _actions(attempt) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_resident_placing_while_the_sweep_refunds_waits_and_is_refused(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "succeeded"
    outcome = []

    def place():
        try:
            with transaction.atomic():
                outcome.append(checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400))
        except CardNotTaken as error:
            outcome.append(str(error))

    placing = []

    def on_request(method, url):
        if url.endswith("/v1/refunds"):  # the sweep holds the row lock now
            placing.append(_in_thread(place))
            time.sleep(0.5)  # the resident reads, asks Stripe and waits for the lock

    stripe_api.on_request = on_request
    assert card_attempts_sweep(now=_later())["refunded"] == 1
    placing[0].join(timeout=60)
    assert outcome == [card_attempt_closed_message()]
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.REFUNDED and attempt.order is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_attempt_row_is_not_locked_while_stripe_answers_but_is_once_checked(stripe_api):
    attempt = _attempt("stripe")
    stripe_api.intent_status = "succeeded"
    free_during_call = []

    def try_lock():
        try:
            with transaction.atomic():
                Payment.objects.select_for_update(nowait=True).get(pk=attempt.pk)
            free_during_call.append(True)
        except OperationalError:
            free_during_call.append(False)

    def on_request(method, url):
        if method == "get":
            _in_thread(try_lock).join(timeout=30)

    stripe_api.on_request = on_request
    with transaction.atomic():  # as in the placing request
        checkout_card_verify(attempt_key=attempt.attempt_key, amount_fen=2400)
        stripe_api.on_request = None
        _in_thread(try_lock).join(timeout=30)  # now held until the order is placed
    assert free_during_call == [True, False]
