"""The offline counter's sync for the store (shop/offline.py through agency/offline_sync.py): a parcel
handed over offline and a cash sale are done once however often they are sent; a parcel handed over
elsewhere, sent back, or whose code changed, and goods gone or repriced, come back typed. The shelf
kept offline holds hashed pick-up codes, never the codes."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from agency.models import CounterTransaction, OfflineItem
from core.models import AuditEvent
from shop.models import CounterSale, OrderPart, OrderPartEvent
from shop.services import orders as order_services
from shop.views_offline import code_hash

pytestmark = pytest.mark.django_db
SYNC = "/counter/offline/sync/"
Status = OrderPart.Status


@pytest.fixture
def counter(operator):
    client = Client()
    client.force_login(operator)
    return client


def item(kind, fields, *, key=None, confirm=False):
    return {"key": key or str(uuid.uuid4()), "kind": kind, "local_number": "临20261206-002",
            "captured_at": timezone.now().isoformat(), "confirm": confirm, "fields": fields, "files": []}


def send(client, *items):
    response = client.post(SYNC, {"items": json.dumps(list(items))})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def hand_over(part, code):
    return item("parcel_handover", [["part_id", str(part.pk)], ["code", code]])


def test_a_parcel_handed_over_offline_is_recorded_once_with_its_cash(counter, waiting):
    handover = hand_over(waiting, waiting.pickup_code)
    [first] = send(counter, handover)
    waiting.refresh_from_db()
    assert first["status"] == "ok" and first["result"]["reference"] == waiting.reference
    assert waiting.status == Status.COLLECTED and waiting.pickup_code == ""
    events, till = OrderPartEvent.objects.count(), CounterTransaction.objects.count()
    assert counter.get(first["result"]["url"]).status_code == 200  # the hand-over slip, to reprint
    [again] = send(counter, handover)
    assert again == first
    assert (OrderPartEvent.objects.count(), CounterTransaction.objects.count()) == (events, till)
    assert OfflineItem.objects.get().attempts == 1


def test_a_parcel_handed_over_elsewhere_meanwhile_is_a_conflict(counter, operator, waiting):
    code = waiting.pickup_code
    order_services.order_part_hand_over(user=operator, part_id=waiting.pk, code=code)  # at another counter
    till = CounterTransaction.objects.count()
    [result] = send(counter, hand_over(waiting, code))
    assert (result["status"], result["conflict"]) == ("conflict", "parcel_handed_over")
    assert waiting.reference in result["message"] and CounterTransaction.objects.count() == till


def test_a_parcel_sent_back_meanwhile_is_a_conflict(counter, operator, waiting):
    code = waiting.pickup_code
    order_services.order_part_move(user=operator, part_id=waiting.pk, to_status="returned", note="超期未取")
    [result] = send(counter, hand_over(waiting, code))
    assert (result["status"], result["conflict"]) == ("conflict", "parcel_withdrawn")


def test_a_code_changed_meanwhile_is_a_conflict_counted_as_a_wrong_code_and_the_new_code_resolves_it(
        counter, operator, waiting):
    old = waiting.pickup_code
    waiting = order_services.order_part_code_resend(user=operator, part_id=waiting.pk)
    if waiting.pickup_code == old:  # one chance in a million
        waiting = order_services.order_part_code_resend(user=operator, part_id=waiting.pk)
    handover = hand_over(waiting, old)
    [result] = send(counter, handover)
    waiting.refresh_from_db()
    assert (result["status"], result["conflict"]) == ("conflict", "code_changed")
    assert waiting.status == Status.READY and waiting.pickup_failures == 1
    assert AuditEvent.objects.filter(action="order_part.wrong_code").count() == 1
    handover["fields"] = [["part_id", str(waiting.pk)], ["code", waiting.pickup_code]]
    [ok] = send(counter, handover)
    waiting.refresh_from_db()
    assert ok["status"] == "ok" and waiting.status == Status.COLLECTED


def test_another_stations_parcel_is_an_error(client, waiting, other_station):
    from accounts.roles import Role
    from tests.factories import staff_user

    stranger = staff_user(Role.OPERATOR, station=other_station)
    client.force_login(stranger)
    [result] = send(client, hand_over(waiting, waiting.pickup_code))
    waiting.refresh_from_db()
    assert result["status"] == "error" and waiting.status == Status.READY


def sale(product, quantity, total_fen, **kwargs):
    return item("sale", [["total_fen", str(total_fen)], ["product", str(product.pk)],
                         ["quantity", str(quantity)]], **kwargs)


def test_a_cash_sale_made_offline_is_rung_up_once(counter, eggs):
    offline_sale = sale(eggs, 2, 2500)
    [first] = send(counter, offline_sale)
    record = CounterSale.objects.get()
    assert first["status"] == "ok" and first["result"]["reference"] == str(record.order.number)
    assert str(record.idempotency_key) == offline_sale["key"] and record.till_reference
    till = CounterTransaction.objects.count()
    [again] = send(counter, offline_sale)
    assert again == first and CounterSale.objects.count() == 1 and CounterTransaction.objects.count() == till


def test_goods_gone_meanwhile_are_a_conflict_and_nothing_is_sold(counter, eggs):
    eggs.stockrecords.update(num_in_stock=1)
    [result] = send(counter, sale(eggs, 2, 2500))
    assert (result["status"], result["conflict"]) == ("conflict", "stock_gone")
    assert "土鸡蛋" in result["message"] and not CounterSale.objects.exists()


def test_a_price_changed_meanwhile_is_a_conflict_until_the_operator_confirms(counter, eggs):
    eggs.stockrecords.update(price="13.00")
    offline_sale = sale(eggs, 2, 2500)
    [result] = send(counter, offline_sale)
    assert (result["status"], result["conflict"]) == ("conflict", "price_changed")
    assert result["detail"] == {"now_fen": 2600, "then_fen": 2500} and not CounterSale.objects.exists()
    offline_sale["confirm"] = True
    [ok] = send(counter, offline_sale)
    assert ok["status"] == "ok" and CounterSale.objects.count() == 1


def test_the_shelf_kept_offline_has_hashed_codes_and_the_goods(counter, waiting, eggs):
    data = counter.get("/counter/offline/shelf.json").json()
    [parcel] = data["parcels"]
    assert parcel["code_hash"] == code_hash(data["salt"], waiting.pk, waiting.pickup_code)
    assert waiting.pickup_code not in json.dumps(data) and "13911112222" not in json.dumps(data)
    assert (parcel["reference"], parcel["phone_last4"], parcel["cash_due_fen"]) == (waiting.reference, "2222", 2500)
    assert [p["title"] for p in data["products"]] == ["土鸡蛋"]
