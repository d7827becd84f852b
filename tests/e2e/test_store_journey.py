"""The store through the browser: a resident orders for pick-up at their station, the merchant
confirms and sends it in Oscar's dashboard, the operator receives it and hands it over with the code."""

import re

import pytest
from playwright.sync_api import expect

from core.models import SmsOutboxMessage
from shop.models import OrderPart
from stations.models import StationService
from tests.e2e.helpers import assert_ok
from tests.shop import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop_world(station, operator, resident, tree):
    StationService.objects.create(station=station, kind="shop_pickup")
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    product = factories.product(merchant.partner, title="农家土鸡蛋", price="36.00")
    resident.email, resident.phone = "liu@example.cn", "13935000001"
    resident.save()
    return {"merchant_user": merchant.partner.users.get(), "product": product}


def _sign_out(page):
    with page.expect_navigation():
        page.locator("form[action*='/logout/'] [type='submit']").first.click()


def test_a_resident_orders_for_pick_up_the_merchant_confirms_the_operator_hands_over(
        page, shot, sign_in, shop_world, station, operator, resident):
    sign_in(resident, step="01-resident-signs-in")
    assert_ok(page.goto(shop_world["product"].get_absolute_url()), "product page")
    with page.expect_navigation():
        page.locator("form[action*='/basket/add/'] [type='submit']").first.click()
    assert_ok(page.goto("/shop/checkout/"), "checkout")
    form = page.locator("form[data-fulfilment-form]")
    form.locator("select[name='station']").select_option(str(station.pk))
    form.locator("input[name='phone']").fill("13935000001")
    shot("02-fulfilment")
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))
    page.locator("input[name='provider'][value='cash']").check()
    with page.expect_navigation():
        page.locator("form [type='submit']").last.click()
    page.wait_for_url(re.compile(r"/checkout/preview/"))
    shot("03-preview")
    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator("[data-order-parts]")).to_be_visible()
    shot("04-thank-you")
    part = OrderPart.objects.get()
    _sign_out(page)

    sign_in(shop_world["merchant_user"], step="05-merchant-signs-in")
    for step in ("confirmed", "sent"):
        assert_ok(page.goto(f"/shop/dashboard/orders/{part.order.number}/"), "order page")
        with page.expect_navigation():
            page.locator(f"[data-part-moves] input[value='{step}'] ~ button").click()
    shot("06-merchant-sent")
    _sign_out(page)

    sign_in(operator, step="07-operator-signs-in")
    assert_ok(page.goto("/counter/parcels/"), "parcel shelf")
    with page.expect_navigation():
        page.locator(f"form[action='/counter/parcels/{part.pk}/move/'] button").first.click()
    sms = SmsOutboxMessage.objects.get(purpose="pickup_code").text
    code = re.search(r"(?:取货码|Pick-up code)\s*(\d{6})", sms).group(1)
    row = page.locator(f"[data-parcel='{part.reference}']")
    row.locator("input[name='code']").fill(code)
    shot("08-code-entered")
    with page.expect_navigation():
        row.locator("form[action$='/hand-over/'] button").click()
    expect(page.locator(f"[data-parcel='{part.reference}']")).to_have_count(0)
    part.refresh_from_db()
    assert part.status == OrderPart.Status.COLLECTED
    shot("09-handed-over")
