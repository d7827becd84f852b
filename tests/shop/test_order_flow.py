"""Order parts: the split per merchant, the transition table, the pick-up code and the counter."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent, SmsOutboxMessage
from core.state_machine import TransitionNotAllowed
from shop import order_flow
from shop.models import OrderPart, Payment
from shop.order_flow import Actor
from shop.services import orders as services
from tests.shop import factories

pytestmark = pytest.mark.django_db
Status = OrderPart.Status


@pytest.fixture
def goods(merchant_a, merchant_b):
    return {"a": factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00"),
            "b": factories.product(merchant_b.partner, title="乙的大米", price="55.00")}


@pytest.fixture
def mixed_order(goods, station, resident):
    return factories.order((goods["a"], 2), (goods["b"], 1), station=station, user=resident)


def _part(order, merchant):
    return order.parts.get(partner=merchant.partner)


def _to_ready(part, merchant_user, operator):
    services.order_part_move(user=merchant_user, part_id=part.pk, to_status=Status.CONFIRMED)
    services.order_part_move(user=merchant_user, part_id=part.pk, to_status=Status.SENT)
    return services.order_part_move(user=operator, part_id=part.pk, to_status=Status.READY)


# --- the table itself ---------------------------------------------------------------------------

def test_every_status_but_refunded_has_a_way_out_and_refunded_is_final():
    sources = {old for move in order_flow.TRANSITIONS for old in move.sources}
    assert sources == set(Status) - {Status.REFUNDED}


def test_only_the_merchant_confirms_and_only_the_operator_hands_over():
    order_flow.check_move("placed", "confirmed", method="pickup", actor=Actor.MERCHANT)
    with pytest.raises(TransitionNotAllowed):
        order_flow.check_move("placed", "confirmed", method="pickup", actor=Actor.OPERATOR)
    with pytest.raises(TransitionNotAllowed):
        order_flow.check_move("ready", "collected", method="pickup", actor=Actor.MERCHANT)


def test_pick_up_moves_do_not_apply_to_home_delivery_and_back():
    with pytest.raises(TransitionNotAllowed):
        order_flow.check_move("sent", "ready", method="delivery", actor=Actor.OPERATOR)
    with pytest.raises(TransitionNotAllowed):
        order_flow.check_move("sent", "delivered", method="pickup", actor=Actor.MERCHANT)
    assert order_flow.allowed_moves("sent", method="delivery", actor=Actor.MERCHANT) == [Status.DELIVERED]


def test_a_part_cannot_skip_steps():
    with pytest.raises(TransitionNotAllowed):
        order_flow.check_move("placed", "sent", method="pickup", actor=Actor.MERCHANT)


# --- the split ------------------------------------------------------------------------------------

def test_a_basket_with_two_merchants_becomes_two_parts_each_with_its_own_goods(mixed_order, merchant_a, merchant_b):
    parts = {p.partner_id: p for p in mixed_order.parts.all()}
    assert parts[merchant_a.partner_id].goods_fen == 2400
    assert parts[merchant_b.partner_id].goods_fen == 5500
    assert {p.status for p in parts.values()} == {Status.PLACED}
    assert sorted(p.reference for p in parts.values()) == [f"{mixed_order.number}-1", f"{mixed_order.number}-2"]


def test_home_delivery_charges_each_merchants_part_the_township_fee(goods, station, tree):
    placed = factories.order((goods["a"], 1), (goods["b"], 1), station=station, method="delivery",
                             township=tree["townships"][0], address="三队12号", delivery_fee_fen=500)
    assert [p.delivery_fen for p in placed.parts.all()] == [500, 500]


# --- moves ---------------------------------------------------------------------------------------

def test_each_merchant_confirms_only_their_own_part(mixed_order, merchant_a, merchant_b, merchant_a_user):
    services.order_part_move(user=merchant_a_user, part_id=_part(mixed_order, merchant_a).pk,
                             to_status=Status.CONFIRMED)
    with pytest.raises(PermissionDenied):
        services.order_part_move(user=merchant_a_user, part_id=_part(mixed_order, merchant_b).pk,
                                 to_status=Status.CONFIRMED)
    assert _part(mixed_order, merchant_b).status == Status.PLACED


def test_arrival_at_the_station_texts_the_resident_a_six_digit_code_the_outbox_never_shows(
        mixed_order, merchant_a, merchant_a_user, operator, settings, django_capture_on_commit_callbacks):
    from tests.core.test_sms_secrets import CapturingBackend

    settings.SMS_BACKEND = "tests.core.test_sms_secrets.CapturingBackend"
    CapturingBackend.sent, CapturingBackend.reject = [], False
    with django_capture_on_commit_callbacks(execute=True):
        part = _to_ready(_part(mixed_order, merchant_a), merchant_a_user, operator)
    assert len(part.pickup_code) == 6 and part.pickup_code.isdigit()
    (text,) = [t for t in CapturingBackend.sent if part.reference in t]
    assert part.pickup_code in text  # the resident gets the code …
    sms = SmsOutboxMessage.objects.get(purpose="pickup_code", reference=part.reference)
    assert sms.phone == "13911112222" and part.pickup_code not in sms.text + sms.sealed_text  # … the outbox does not
    assert "******" in sms.text and sms.region_path == part.station.village.path
    assert sms.params == {"ref": part.reference, "station": part.station.name, "code": "******",
                          "hours": part.station.opening_hours or part.station.address}


def test_an_operator_of_another_station_cannot_receive_the_parcel(mixed_order, merchant_a, merchant_a_user,
                                                                 other_station):
    from tests.factories import StaffAssignmentFactory, UserFactory

    stranger = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    part = _part(mixed_order, merchant_a)
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.CONFIRMED)
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.SENT)
    with pytest.raises(PermissionDenied):
        services.order_part_move(user=stranger, part_id=part.pk, to_status=Status.READY)


def test_hand_over_needs_the_right_code_and_takes_the_cash(mixed_order, merchant_a, merchant_a_user, operator):
    part = _to_ready(_part(mixed_order, merchant_a), merchant_a_user, operator)
    with pytest.raises(ValidationError):
        services.order_part_hand_over(user=operator, part_id=part.pk, code="000000" if part.pickup_code != "000000"
                                      else "111111")
    part.refresh_from_db()
    assert part.status == Status.READY and part.pickup_failures == 1
    services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
    part.refresh_from_db()
    assert part.status == Status.COLLECTED and part.pickup_code == ""
    cash = Payment.objects.get(order=mixed_order, provider="cash")
    assert cash.status == Payment.Status.PAID and cash.amount_fen == 2400


def test_five_wrong_codes_lock_the_parcel_until_a_new_code_is_sent(mixed_order, merchant_a, merchant_a_user,
                                                                   operator):
    part = _to_ready(_part(mixed_order, merchant_a), merchant_a_user, operator)
    wrong = "123456" if part.pickup_code != "123456" else "654321"
    for _attempt in range(services.MAX_PICKUP_FAILURES):
        with pytest.raises(ValidationError):
            services.order_part_hand_over(user=operator, part_id=part.pk, code=wrong)
    part.refresh_from_db()
    with pytest.raises(ValidationError) as locked:
        services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
    assert locked.value.code == "locked"
    renewed = services.order_part_code_resend(user=operator, part_id=part.pk)
    assert renewed.pickup_code != part.pickup_code or renewed.pickup_failures == 0
    services.order_part_hand_over(user=operator, part_id=part.pk, code=renewed.pickup_code)
    assert OrderPart.objects.get(pk=part.pk).status == Status.COLLECTED


def test_a_return_needs_a_reason_and_a_cash_refund_goes_back_once(mixed_order, merchant_a, merchant_a_user,
                                                                  operator):
    part = _to_ready(_part(mixed_order, merchant_a), merchant_a_user, operator)
    services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
    with pytest.raises(ValidationError):
        services.order_part_move(user=operator, part_id=part.pk, to_status=Status.RETURNED)
    services.order_part_move(user=operator, part_id=part.pk, to_status=Status.RETURNED, note="鸡蛋破损")
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.REFUNDED)
    part.refresh_from_db()
    assert part.status == Status.REFUNDED and part.refund.amount_fen == 2400
    again = services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.REFUNDED)
    assert again.status == Status.REFUNDED  # a double submit refunds nothing more


def test_a_cancelled_cash_order_has_nothing_to_refund(mixed_order, merchant_a, merchant_a_user):
    part = _part(mixed_order, merchant_a)
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.CANCELLED, note="缺货")
    with pytest.raises(ValidationError):
        services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.REFUNDED)


def test_a_card_order_is_confirmed_only_once_paid(goods, station):
    placed = factories.order((goods["a"], 1), station=station, payment_method="stripe")
    part = placed.parts.get()
    merchant_user = part.partner.users.get()
    with pytest.raises(ValidationError):
        services.order_part_move(user=merchant_user, part_id=part.pk, to_status=Status.CONFIRMED)
    Payment.objects.create(order=placed, provider="stripe", amount_fen=1200, status=Payment.Status.PAID,
                           external_id="pi_test")
    assert services.order_part_move(user=merchant_user, part_id=part.pk,
                                    to_status=Status.CONFIRMED).status == Status.CONFIRMED


def test_every_move_is_in_the_parts_history_and_the_audit_trail(mixed_order, merchant_a, merchant_a_user):
    part = _part(mixed_order, merchant_a)
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.CONFIRMED)
    assert [(e.from_status, e.to_status) for e in part.events.all()] == [("", "placed"), ("placed", "confirmed")]
    assert AuditEvent.objects.filter(action="order_part.moved", target_id=str(part.pk)).count() == 1


# --- screens -----------------------------------------------------------------------------------------

def test_the_merchant_confirms_from_their_order_page(client, mixed_order, merchant_a, merchant_a_user):
    client.force_login(merchant_a_user)
    part = _part(mixed_order, merchant_a)
    page = client.get(reverse("shop:merchant-order-detail", args=[part.pk])).content.decode()
    assert reverse("shop:merchant-part-move", args=[part.pk]) in page
    response = client.post(reverse("shop:merchant-part-move", args=[part.pk]), {"to_status": "confirmed"})
    assert response["Location"] == reverse("shop:merchant-order-detail", args=[part.pk])
    part.refresh_from_db()
    assert part.status == Status.CONFIRMED


def test_the_counter_shelf_lists_only_this_stations_parcels_and_hands_over_with_the_code(
        client, mixed_order, merchant_a, merchant_a_user, operator, goods, other_station):
    part = _to_ready(_part(mixed_order, merchant_a), merchant_a_user, operator)
    elsewhere = factories.order((goods["a"], 1), station=other_station).parts.get()
    client.force_login(operator)
    page = client.get(reverse("shop:counter-parcels")).content.decode()
    assert part.reference in page and elsewhere.reference not in page
    assert part.pickup_code not in page  # the operator asks the resident for it
    phone = mixed_order.fulfilment.phone
    assert phone and phone not in page and f"{phone[:3]}****{phone[-4:]}" in page
    client.post(reverse("shop:counter-parcel-hand-over", args=[part.pk]), {"code": part.pickup_code})
    part.refresh_from_db()
    assert part.status == Status.COLLECTED


def test_an_operator_cannot_act_on_another_stations_parcel_by_url(client, goods, other_station, operator):
    elsewhere = factories.order((goods["a"], 1), station=other_station).parts.get()
    client.force_login(operator)
    response = client.post(reverse("shop:counter-parcel-hand-over", args=[elsewhere.pk]), {"code": "123456"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status != Status.COLLECTED and elsewhere.pickup_failures == 0


@pytest.mark.parametrize("who", ["resident", "county_admin", "liaison"])
def test_the_parcel_shelf_is_forbidden_to_anyone_but_a_stations_operators(client, request, who, mixed_order,
                                                                           merchant_a):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("shop:counter-parcels")).status_code == 403
    part = _part(mixed_order, merchant_a)
    assert client.post(reverse("shop:counter-parcel-move", args=[part.pk]), {"to_status": "ready"}).status_code == 403


def test_the_counter_home_links_operators_but_not_liaisons_to_the_parcel_shelf(client, operator, liaison):
    client.force_login(operator)
    assert reverse("shop:counter-parcels") in client.get(reverse("stations:counter-home")).content.decode()
    client.force_login(liaison)
    assert reverse("shop:counter-parcels") not in client.get(reverse("stations:counter-home")).content.decode()


@pytest.mark.parametrize("who", ["county_admin", "operator", "superuser"])
def test_only_a_merchant_moves_a_part_from_the_merchant_pages(client, request, who, mixed_order, merchant_a):
    part = _part(mixed_order, merchant_a)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("shop:merchant-part-move", args=[part.pk]), {"to_status": "cancelled",
                                                                                  "note": "不要了"})
    assert response.status_code == 403
    part.refresh_from_db()
    assert part.status == Status.PLACED


@pytest.mark.parametrize("who, sees_a, sees_b", [
    ("merchant_a_user", True, False),  # their own part only
    ("resident", True, True),  # the buyer sees every part of their order
    ("operator", True, True),  # the parcels of their station
    ("township_admin", True, True),  # the station lies in their township
    ("liaison", False, False),  # the parcel shelf is the operators'
    ("officer", False, False),
])
def test_access_order_part_by_id_follows_the_scope(request, mixed_order, merchant_a, merchant_b, who, sees_a, sees_b):
    from django.http import Http404

    from shop.selectors.orders import access_order_part_by_id

    user = request.getfixturevalue(who)
    for merchant, sees in ((merchant_a, sees_a), (merchant_b, sees_b)):
        part = _part(mixed_order, merchant)
        if sees:
            assert access_order_part_by_id(user=user, part_id=part.pk) == part
        else:
            with pytest.raises(Http404):
                access_order_part_by_id(user=user, part_id=part.pk)
