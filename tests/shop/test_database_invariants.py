"""An order part's history and the payment providers' notifications are append-only in the database
itself, on SQLite as on PostgreSQL (docs/database-invariants.md): raw SQL cannot change or delete them."""

import pytest
from django.db import IntegrityError, connection, transaction

from shop.models import OrderPartEvent, Payment, PaymentEvent
from shop.payments.base import ProviderEvent
from shop.services.payments import payment_event_handle
from tests.shop import factories

pytestmark = pytest.mark.django_db


def refused(sql: str) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_an_order_parts_history_cannot_be_changed_or_deleted(merchant_a, station):
    part = factories.order((factories.product(merchant_a.partner, price="12.00"), 1), station=station).parts.get()
    event = OrderPartEvent.objects.get(part=part)
    for sql in (f"UPDATE shop_orderpartevent SET to_status = 'collected' WHERE id = {event.pk}",
                f"UPDATE shop_orderpartevent SET at = at WHERE id = {event.pk}",
                f"DELETE FROM shop_orderpartevent WHERE id = {event.pk}",
                "DELETE FROM shop_orderpartevent"):
        refused(sql)
    assert OrderPartEvent.objects.get(pk=event.pk).to_status == event.to_status


def test_a_payment_providers_notification_is_recorded_with_its_payment_and_never_changed(merchant_a, station):
    order = factories.order((factories.product(merchant_a.partner, price="12.00"), 1), station=station)
    payment = Payment.objects.create(order=order, provider="card_sim", amount_fen=1200, external_id="sim_1")
    assert payment_event_handle(provider_code="card_sim", event=ProviderEvent(
        event_id="evt_1", kind="succeeded", external_id="sim_1", amount_fen=1200))
    event = PaymentEvent.objects.get(event_id="evt_1")
    assert event.payment == payment and Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    for sql in (f"UPDATE shop_paymentevent SET payment_id = NULL WHERE id = {event.pk}",
                f"UPDATE shop_paymentevent SET kind = 'failed' WHERE id = {event.pk}",
                f"DELETE FROM shop_paymentevent WHERE id = {event.pk}"):
        refused(sql)
