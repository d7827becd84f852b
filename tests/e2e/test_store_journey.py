"""The store through the browser: a resident orders for pick-up at their station, the merchant
confirms and sends it in their workspace, the operator receives it and hands it over with the code."""

import re

import pytest
from playwright.sync_api import expect

from core.models import SmsOutboxMessage
from shop.models import OrderPart
from tests.e2e.helpers import assert_ok, checkout_for_pick_up, choose_payment, sign_out

pytestmark = pytest.mark.e2e


def test_a_resident_orders_for_pick_up_the_merchant_confirms_the_operator_hands_over(
        page, shot, sign_in, pickup_store, station, operator, resident):
    sign_in(resident, step="01-resident-signs-in")
    checkout_for_pick_up(page, pickup_store["product"], station, before_submit=lambda: shot("02-fulfilment"))
    choose_payment(page, "cash")
    shot("03-preview")
    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator("[data-order-parts]")).to_be_visible()
    shot("04-thank-you")
    part = OrderPart.objects.get()
    sign_out(page)

    sign_in(pickup_store["merchant_user"], step="05-merchant-signs-in")
    for step in ("confirmed", "sent"):
        assert_ok(page.goto(f"/merchant/orders/{part.pk}/"), "order page")
        with page.expect_navigation():
            page.locator(f"input[name='to_status'][value='{step}'] ~ button").click()
    shot("06-merchant-sent")
    sign_out(page)

    sign_in(operator, step="07-operator-signs-in")
    assert_ok(page.goto("/counter/parcels/"), "parcel shelf")
    with page.expect_navigation():
        page.locator(f"form[action='/counter/parcels/{part.pk}/move/'] button").first.click()
    assert "******" in SmsOutboxMessage.objects.get(purpose="pickup_code").text  # the outbox keeps it masked
    part.refresh_from_db()
    code = part.pickup_code  # what the resident's phone received
    row = page.locator(f"[data-parcel='{part.reference}']")
    row.locator("input[name='code']").fill(code)
    shot("08-code-entered")
    with page.expect_navigation():
        row.locator("form[action$='/hand-over/'] button").click()
    expect(page.locator(f"[data-parcel='{part.reference}']")).to_have_count(0)
    part.refresh_from_db()
    assert part.status == OrderPart.Status.COLLECTED
    shot("09-handed-over")


def test_a_resident_pays_by_card_inside_the_checkout_after_a_declined_card(
        page, shot, sign_in, pickup_store, station, resident, settings):
    """The demo card simulator on the preview page: our own JS, no CDN. A declined card shows the
    error and places nothing; a good card then pays and places exactly one order."""
    from oscar.core.loading import get_model

    from shop.models import Payment

    settings.SHOP_CARD_SIMULATOR = True
    Order = get_model("order", "Order")
    sign_in(resident, step="c01-resident-signs-in")
    checkout_for_pick_up(page, pickup_store["product"], station)
    choose_payment(page, "card_sim")
    page.locator("#card-number").fill("4000 0000 0000 0002")
    page.locator("#place-order").click()
    expect(page.locator("[data-card-error]")).to_have_text(re.compile(r"拒绝|declined"))
    shot("c02-card-declined")
    assert not Order.objects.exists()
    page.locator("#card-number").fill("4242 4242 4242 4242")
    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator("[data-order-parts]")).to_be_visible()
    shot("c03-paid-and-placed")
    assert Order.objects.count() == 1
    assert Payment.objects.get().status == Payment.Status.PAID
