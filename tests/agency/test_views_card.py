"""Card payments on the counter pages: the reader step, declined and refunded results, the slip."""

import re
import uuid

import pytest
from django.urls import reverse

from agency import services
from agency.card_terminals import terminal
from agency.models import CounterTransaction
from tests.agency.factories import ProductFactory, account_number, key
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CounterTransaction.Status
Card = CounterTransaction.CardStatus


def pay_url(product):
    return reverse("agency:payment-create", args=[product.pk])


def payment_data(step="pay", k=None, number=None, amount="123.45", method="card"):
    return {"step": step, "idempotency_key": str(k or uuid.uuid4()), "account_number": number or account_number(1),
            "amount": amount, "payment_method": method, "customer_name": ""}


def detail(client, tx) -> str:
    return client.get(reverse("agency:transaction-detail", args=[tx.pk])).content.decode()


@pytest.fixture
def plain(db):
    return ProductFactory(account_check_digit="none")


def test_the_confirm_page_asks_for_the_card_on_the_reader_only_for_card(client, operator, product, funded):
    client.force_login(operator)
    card_page = client.post(pay_url(product), payment_data(step="review")).content.decode()
    assert 'id="card-step"' in card_page and "123.45" in card_page
    cash_page = client.post(pay_url(product), payment_data(step="review", method="cash")).content.decode()
    assert 'id="card-step"' not in cash_page


def test_a_card_payment_through_the_pages_shows_the_card_and_charges_once(client, operator, product, funded):
    client.force_login(operator)
    data = payment_data()
    response = client.post(pay_url(product), data)
    again = client.post(pay_url(product), data)  # a double click
    assert response.status_code == again.status_code == 302 and response.url == again.url
    tx = CounterTransaction.objects.get()
    assert tx.status == Status.SUCCEEDED and tx.card_status == Card.CHARGED
    assert terminal().charge_calls == 1
    page = detail(client, tx)
    assert f"•••• {tx.card_last4}" in page and 'id="tx-card-status"' in page


def test_a_declined_card_is_shown_as_declined(client, operator, station, plain, funded):
    client.force_login(operator)
    response = client.post(pay_url(plain), payment_data(number="1234561234", amount="100.51"))
    tx = CounterTransaction.objects.get()
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    page = client.get(response.url).content.decode()
    assert 'data-status="failed"' in page and 'id="card-result"' in page and tx.failure_reason in page
    assert 'id="card-refund-pending"' not in page


def test_a_refunded_card_is_shown_with_its_refund(client, operator, station, plain, funded):
    client.force_login(operator)
    client.post(pay_url(plain), payment_data(number="1234560000", amount="80"))
    tx = CounterTransaction.objects.get()
    assert tx.card_status == Card.REFUNDED
    page = detail(client, tx)
    assert 'id="card-result"' in page and tx.card_refund_id in page and "80.00" in page


def test_a_pending_refund_offers_a_check_that_refunds(client, operator, station, plain, funded):
    reader = terminal()
    reader.refund_failure_rate = 1.0
    client.force_login(operator)
    client.post(pay_url(plain), payment_data(number="1234560000", amount="60"))
    tx = CounterTransaction.objects.get()
    assert tx.card_status == Card.REFUND_PENDING
    assert 'id="card-refund-pending"' in detail(client, tx)
    reader.refund_failure_rate = 0.0
    response = client.post(reverse("agency:transaction-resolve", args=[tx.pk]))
    assert response.status_code == 302
    tx.refresh_from_db()
    assert tx.card_status == Card.REFUNDED and 'id="card-refund-pending"' not in detail(client, tx)


def test_reversing_a_card_payment_on_the_page_refunds_the_card(client, operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=9_000, idempotency_key=key(),
                                         payment_method="card")
    client.force_login(operator)
    response = client.post(reverse("agency:transaction-reverse", args=[tx.pk]), {"reason": "客户要求退款"})
    assert response.status_code == 302
    tx.refresh_from_db()
    assert tx.status == Status.REVERSED and tx.card_status == Card.REFUNDED
    assert terminal().refunded_fen(tx.card_charge_id) == 9_000


def test_the_receipt_says_card_and_the_last_four_digits(client, operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=9_000, idempotency_key=key(),
                                         payment_method="card")
    client.force_login(operator)
    printed = client.post(reverse("agency:receipt-print", args=[tx.pk]),
                          {"idempotency_key": str(uuid.uuid4()), "width": "58", "format": "html"})
    slip = client.get(printed.url).content.decode()
    paid_by = re.search(r'id="receipt-paid-by">([^<]*)<', slip).group(1)
    assert f"•••• {tx.card_last4}" in paid_by


def test_an_operator_of_another_station_cannot_see_or_refund_a_card_payment(client, operator, station, plain, funded,
                                                                            other_station):
    terminal().refund_failure_rate = 1.0
    tx = services.counter_payment_submit(actor=operator, station=station, product=plain,
                                         account_number="1234560000", amount_fen=5_000, idempotency_key=key(),
                                         payment_method="card")
    assert tx.card_status == Card.REFUND_PENDING
    stranger = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    client.force_login(stranger)
    assert client.get(reverse("agency:transaction-detail", args=[tx.pk])).status_code == 404
    assert client.post(reverse("agency:transaction-resolve", args=[tx.pk])).status_code == 404
    tx.refresh_from_db()
    assert tx.card_status == Card.REFUND_PENDING
