"""The Stripe Terminal adapter against Stripe's HTTP API faked at the HTTP layer (the real `stripe`
library builds and sends every request): bodies, idempotency headers, and the till's outcomes."""

import pytest

from agency import services
from agency.card_terminals import stripe_terminal, terminal, terminal_cache_clear
from agency.models import CounterTransaction
from tests.agency.factories import ProductFactory, account_number, key
from tests.agency.stripe_terminal_api import READER, FakeStripeTerminalAPI

pytestmark = pytest.mark.django_db
Status = CounterTransaction.Status
Card = CounterTransaction.CardStatus


@pytest.fixture
def stripe_api(settings, monkeypatch, station):
    settings.STRIPE_SECRET_KEY = "sk_test_cunzhan"
    settings.AGENCY_CARD_TERMINAL = "stripe"
    settings.AGENCY_CARD_TERMINALS = {"stripe": {"BACKEND": "agency.card_terminals.stripe_terminal.StripeTerminal",
                                                 "OPTIONS": {"wait_seconds": 0.05, "poll_interval_ms": 5}}}
    settings.AGENCY_STRIPE_READERS = {station.code: READER}
    terminal_cache_clear()
    api = FakeStripeTerminalAPI()
    monkeypatch.setattr(stripe_terminal, "http_client", api)
    return api


def pay_card(operator, station, product, amount=10_000, number=None, k=None):
    return services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=number or account_number(1), amount_fen=amount,
                                           idempotency_key=k or key(), payment_method="card")


def test_an_approved_charge_creates_a_card_present_intent_and_has_the_reader_process_it(
        operator, station, product, funded, stripe_api):
    tx = pay_card(operator, station, product, amount=12_345)
    assert tx.status == Status.SUCCEEDED and tx.card_status == Card.CHARGED
    assert (tx.card_charge_id, tx.card_brand, tx.card_last4) == ("pi_3Qcz000000", "unionpay", "4242")
    [(headers, form)] = stripe_api.posts("/v1/payment_intents")
    assert headers["Idempotency-Key"] == f"cunzhan-card-{tx.reference}"
    assert headers["Authorization"] == "Bearer sk_test_cunzhan"
    assert form == {"amount": "12345", "currency": "cny", "payment_method_types[0]": "card_present",
                    "capture_method": "automatic", "description": tx.reference,
                    "metadata[reference]": tx.reference, "metadata[station]": station.code}
    [(headers, form)] = stripe_api.posts(f"/v1/terminal/readers/{READER}/process_payment_intent")
    assert form == {"payment_intent": "pi_3Qcz000000"}
    assert headers["Idempotency-Key"] == f"cunzhan-card-{tx.reference}-process"
    reads = [f for m, p, _h, f in stripe_api.requests if m == "get" and p == "/v1/payment_intents/pi_3Qcz000000"]
    assert reads and reads[0] == {"expand[0]": "latest_charge"}
    assert not stripe_api.refunds


def test_a_declined_card_fails_the_payment_with_the_bank_s_reason(operator, station, funded, stripe_api):
    stripe_api.card = "decline"
    product = ProductFactory(account_check_digit="none")
    tx = pay_card(operator, station, product, number="1234561234")
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    assert "insufficient funds" in tx.failure_reason and not tx.journals.exists()
    assert not stripe_api.refunds


def test_no_card_presented_in_time_cancels_the_intent_and_charges_nothing(operator, station, product, funded,
                                                                           stripe_api):
    stripe_api.card = "absent"
    tx = pay_card(operator, station, product)
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    assert stripe_api.posts(f"/v1/terminal/readers/{READER}/cancel_action")
    assert stripe_api.posts("/v1/payment_intents/pi_3Qcz000000/cancel")
    assert stripe_api.intents["pi_3Qcz000000"]["status"] == "canceled"


def test_an_offline_reader_is_a_decline_and_the_intent_is_cancelled(operator, station, product, funded, stripe_api):
    stripe_api.card = "offline"
    tx = pay_card(operator, station, product)
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    assert "offline" in tx.failure_reason
    assert stripe_api.intents["pi_3Qcz000000"]["status"] == "canceled"


def test_a_provider_decline_after_the_charge_refunds_through_stripe(operator, station, funded, stripe_api):
    product = ProductFactory(account_check_digit="none", customer_fee_fen=200)
    tx = pay_card(operator, station, product, amount=5_000, number="1234560000")
    assert tx.status == Status.FAILED and tx.card_status == Card.REFUNDED and tx.card_refund_id == "re_3Qcz0000"
    [(headers, form)] = stripe_api.posts("/v1/refunds")
    assert form == {"payment_intent": tx.card_charge_id, "amount": "5200"}
    assert headers["Idempotency-Key"] == f"cunzhan-refund-{tx.reference}-refund"


def test_reversal_refunds_through_stripe(operator, station, product, funded, stripe_api):
    tx = pay_card(operator, station, product, amount=7_000)
    tx = services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="重复缴费")
    assert tx.status == Status.REVERSED and tx.card_status == Card.REFUNDED
    [(_headers, form)] = stripe_api.posts("/v1/refunds")
    assert form["amount"] == "7000" and form["payment_intent"] == tx.card_charge_id


def test_a_retried_charge_replays_the_first_intent_and_never_processes_twice(operator, station, product, funded,
                                                                             stripe_api):
    tx = pay_card(operator, station, product)
    again = terminal().charge(station=station, amount_fen=tx.total_fen, reference=tx.reference,
                              idempotency_key=tx.reference)
    assert again.status == "approved" and again.charge_id == tx.card_charge_id
    assert len(stripe_api.intents) == 1
    assert len(stripe_api.posts("/process_payment_intent")) == 1


def test_status_finds_the_intent_by_reference(station, stripe_api, operator, product, funded):
    tx = pay_card(operator, station, product)
    found = terminal().status(station=station, reference=tx.reference)
    assert (found.status, found.charge_id, found.last4) == ("approved", tx.card_charge_id, "4242")
    missing = terminal().status(station=station, reference="AG000000NOPE00")
    assert missing.status == "declined" and not missing.charge_id
    searches = [f for m, p, _h, f in stripe_api.requests if p == "/v1/payment_intents/search"]
    assert searches[0] == {"query": f"metadata['reference']:'{tx.reference}'"}


def test_a_station_without_a_reader_cannot_take_a_card(operator, station, product, funded, stripe_api, settings):
    settings.AGENCY_STRIPE_READERS = {}
    tx = pay_card(operator, station, product)
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    assert not stripe_api.requests
