"""The resident's store front in the browser on a 375 px phone: find goods from the store's home (its
station line, search in everyday words, category chips), buy with pick-up at the station and cash, and
see the pick-up code under "my orders" once the parcel has arrived. The pages load none of Oscar's CSS,
jQuery, Bootstrap or icon fonts, and nothing from another host. Desktop screenshots of the same pages
are taken for review."""

import re

import pytest
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.models import OrderPart
from stations.models import StationService
from tests.e2e.helpers import assert_ok, choose_payment
from tests.shop import factories

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
HEAVY = re.compile(r"jquery|bootstrap|/oscar/css/|font-?awesome|\.woff2?|\.ttf", re.I)


@pytest.fixture
def store(station, resident, tree):
    ProductCategory = get_model("catalogue", "ProductCategory")
    StationService.objects.create(station=station, kind="shop_pickup")
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    eggs = factories.product(merchant.partner, title="农家土鸡蛋（30枚）", price="36.00")
    rice = factories.product(merchant.partner, title="小站稻大米（5公斤）", price="49.00", stock=4)
    cooker = factories.product(merchant.partner, title="电饭煲（3升）", price="199.00")
    for item, path in ((eggs, "农产品 > 禽蛋"), (rice, "农产品 > 粮油"), (cooker, "家用电器")):
        ProductCategory.objects.create(product=item, category=create_from_breadcrumbs(path))
    resident.phone, resident.email = "13935000001", ""  # signed up with a phone number only
    resident.save()
    return {"eggs": eggs, "cooker": cooker}


def _watch(page) -> list[str]:
    """Every heavy asset (Oscar's CSS, jQuery, Bootstrap, a web font) the page requests, as the journey goes."""
    heavy: list[str] = []
    page.on("request", lambda request: heavy.append(request.url) if HEAVY.search(request.url) else None)
    return heavy


def test_a_resident_on_a_phone_finds_goods_and_buys_for_pick_up_at_the_station(
        page, shot, sign_in, store, station, resident, live_server):
    heavy = _watch(page)
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)
    sign_in(resident, step="01-resident-signs-in")
    page.set_viewport_size(PHONE)

    # The store's home: pick the station first (the bar asks for it), then search in an everyday word.
    assert_ok(page.goto("/shop/catalogue/"), "store home")
    expect(page.locator("[data-my-station]")).to_contain_text("选择")
    with page.expect_navigation():
        page.locator("[data-my-station] a").first.click()
    page.locator("select[name='station']").select_option(str(station.pk))
    with page.expect_navigation():
        page.locator("form [type='submit']").last.click()
    expect(page.locator("[data-my-station]")).to_contain_text(station.name)
    expect(page.locator(".cz-store-chips")).to_contain_text("农产品")
    expect(page.locator("[data-product-list] .cz-product").first).to_be_visible()
    shot("02-phone-store-home")

    page.locator("#store-q").fill("电饭锅")  # the merchant calls it 电饭煲
    with page.expect_navigation():
        page.locator("#store-q").press("Enter")
    expect(page.locator("[data-product-list]")).to_contain_text("电饭煲（3升）")
    shot("03-phone-search")

    page.locator("#store-q").fill("我想买点鸡蛋")
    with page.expect_navigation():
        page.locator(".cz-storebar__search [type='submit']").click()
    with page.expect_navigation():
        page.locator("[data-product-list] a", has_text="农家土鸡蛋").first.click()
    expect(page.locator("h1")).to_have_text("农家土鸡蛋（30枚）")
    expect(page.locator(".cz-product-page__price")).to_have_text("¥36.00")
    shot("04-phone-product")

    page.locator("[data-add-to-basket] input[name='quantity']").fill("2")
    with page.expect_navigation():
        page.locator("[data-add-to-basket] [type='submit']").click()
    expect(page.locator(".cz-messages")).to_contain_text("购物车合计现为")
    expect(page.locator("[data-basket-link]")).to_contain_text("2")

    assert_ok(page.goto("/shop/basket/"), "basket")
    expect(page.locator("[data-basket-total]")).to_have_text("¥72.00")
    shot("05-phone-basket")
    with page.expect_navigation():
        page.locator("[data-checkout]").click()

    form = page.locator("form[data-fulfilment-form]")
    expect(form.locator("select[name='station']")).to_have_value(str(station.pk))  # remembered
    form.locator("input[name='method'][value='pickup']").check()
    form.locator("input[name='recipient']").fill("刘桂兰")
    form.locator("input[name='phone']").fill("13935000001")
    shot("06-phone-fulfilment")
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))
    choose_payment(page, "cash", before_submit=lambda: shot("07-phone-payment"))
    expect(page.locator("[data-preview-fulfilment]")).to_contain_text(station.name)
    expect(page.locator("[data-order-total]")).to_have_text("¥72.00")
    shot("08-phone-preview")
    with page.expect_navigation():
        page.locator("#place-order").click()

    situation = page.locator("[data-order-situation]")
    expect(situation).to_have_attribute("data-pay-state", "cash_at_pickup")
    expect(situation).to_contain_text("到服务站取货时付现金")
    expect(situation).not_to_contain_text("邮")
    expect(page.locator("body")).not_to_contain_text("无需付款")
    shot("09-phone-thank-you")

    part = OrderPart.objects.get()
    part.status, part.pickup_code = OrderPart.Status.READY, "482913"  # the operator took the parcel in
    part.save()
    assert_ok(page.goto("/shop/accounts/orders/"), "my orders")
    expect(page.locator(f"[data-pickup-code='{part.reference}']")).to_contain_text("482913")
    shot("10-phone-my-orders")

    # No horizontal scrolling on the phone, on the pages with the most in them.
    for path in ("/shop/catalogue/", "/shop/accounts/orders/", store["eggs"].get_absolute_url()):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path

    page.set_viewport_size({"width": 1280, "height": 800})
    for step, path in (("11-desktop-store-home", "/shop/catalogue/"),
                       ("12-desktop-product", store["eggs"].get_absolute_url()),
                       ("13-desktop-my-orders", "/shop/accounts/orders/"),
                       ("14-desktop-order", f"/shop/accounts/orders/{part.order.number}/")):
        assert_ok(page.goto(path), step)
        shot(step)
    assert not heavy, f"store pages loaded Oscar's heavy assets: {heavy}"
    assert not foreign, f"store pages asked another host: {foreign}"
