"""The merchant's workspace and the counter's side of the store through the browser, on a desktop and on
a 375 px phone: a merchant signs in, adds a product on one screen and corrects its stock, prepares and sends
an order; the operator receives the parcel, finds it by the resident's phone, sees the cash due, hands it
over against the code and prints the receipt; then rings up a counter sale found by pinyin initials with the
change due shown before taking the cash."""

import re

import pytest
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from playwright.sync_api import expect

from shop.models import CounterSale, OrderPart
from tests.e2e.helpers import assert_fits, assert_ok, sign_out
from tests.factories import jpeg_bytes
from tests.shop import factories

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def store(tree, station, operator, resident):
    create_from_breadcrumbs("农产品 > 禽蛋")
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    return {"merchant": merchant, "merchant_user": merchant.partner.users.get()}


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_a_merchant_adds_a_product_and_prepares_an_order_and_the_operator_hands_it_over_for_cash(
        page, shot, sign_in, store, station, operator, resident, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    landing = sign_in(store["merchant_user"], step=f"{screen}-01-merchant-signs-in")
    assert landing.url.endswith("/merchant/")
    expect(page.locator("h1")).to_contain_text("概览")
    shot(f"{screen}-02-merchant-home")

    page.locator(".cz-mw-nav a", has_text="新增商品").click()
    page.wait_for_url(re.compile(r"/merchant/products/new/$"))
    page.fill("#id_title", "农家土鸡蛋（30枚）")
    page.fill("#id_price", "36.50")
    page.fill("#id_stock", "20")
    page.select_option("#id_category", label="农产品 > 禽蛋")
    page.set_input_files("#id_images", files=[{"name": "egg.jpg", "mimeType": "image/jpeg",
                                               "buffer": jpeg_bytes((320, 240))}])
    page.fill("#id_description", "散养土鸡蛋，当天送到服务站。")
    shot(f"{screen}-03-product-form")
    assert_fits(page)
    with page.expect_navigation():
        page.locator("form.cz-form-grid [type='submit']").click()
    row = page.locator("tr[data-product='农家土鸡蛋（30枚）']")
    expect(row).to_contain_text("36.50")
    row.locator("input[name='stock']").fill("30")
    with page.expect_navigation():
        row.locator("button").click()
    expect(page.locator(".cz-messages")).to_contain_text("库存 30")
    shot(f"{screen}-04-product-list")
    assert_fits(page)

    product = store["merchant"].partner.stockrecords.get().product
    part = factories.order((product, 2), station=station, user=resident, phone="13935000001").parts.get()
    assert_ok(page.goto("/merchant/orders/"), "orders")
    expect(page.locator("#prepare-title ~ ul, .cz-mw-prepare").first).to_contain_text("农家土鸡蛋（30枚） × 2")
    shot(f"{screen}-05-orders-to-prepare")
    assert_fits(page)
    with page.expect_navigation():
        page.locator(f"tr[data-part='{part.reference}'] input[value='confirmed'] ~ button").click()
    assert_ok(page.goto(f"/merchant/orders/{part.pk}/"), "order page")
    with page.expect_navigation():
        page.locator("input[name='to_status'][value='sent'] ~ button").click()
    expect(page.locator("dd strong").first).to_have_text("已发货")
    part.refresh_from_db()
    assert part.status == OrderPart.Status.SENT
    shot(f"{screen}-06-order-sent")
    assert_fits(page)
    sign_out(page)

    sign_in(operator, step=f"{screen}-07-operator-signs-in")
    assert_ok(page.goto("/counter/parcels/"), "parcel shelf")
    with page.expect_navigation():
        page.locator(f"form[action='/counter/parcels/{part.pk}/move/'] button").first.click()
    part.refresh_from_db()
    code = part.pickup_code  # what the resident's phone received
    page.fill("input[name='find']", "13935000001")
    with page.expect_navigation():
        page.locator("form[action='/counter/parcels/find/'] button").click()
    found = page.locator(f"[data-found] [data-parcel='{part.reference}']")
    expect(found.locator("[data-due]")).to_contain_text("收取现金 ¥73.00")
    found.locator("input[name='code']").fill(code)
    shot(f"{screen}-08-cash-due-before-hand-over")
    assert_fits(page)
    with page.expect_navigation():
        found.locator("button").click()
    page.wait_for_url(re.compile(rf"/counter/parcels/{part.pk}/receipt/$"))
    expect(page.locator(".cz-receipt")).to_contain_text("现金支付：¥73.00")
    shot(f"{screen}-09-hand-over-receipt")
    part.refresh_from_db()
    assert part.status == OrderPart.Status.COLLECTED and part.counter_sale_reference

    assert_ok(page.goto("/counter/sales/new/"), "counter sale")
    page.fill("[data-sale-search]", "njtjd")
    page.locator("[data-sale-results] button").first.click()
    expect(page.locator("[data-sale-total]")).to_have_text("¥36.50")
    page.fill("input[name='cash_received']", "50")
    expect(page.locator("[data-sale-change]")).to_have_text("¥13.50")
    shot(f"{screen}-10-counter-sale-change-due")
    assert_fits(page)
    with page.expect_navigation():
        page.locator("form[data-sale-form] [type='submit']").click()
    expect(page.locator(".cz-receipt")).to_contain_text("¥13.50")
    shot(f"{screen}-11-counter-sale-receipt")
    assert CounterSale.objects.get().change_fen == 1350
