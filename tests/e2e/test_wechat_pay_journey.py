"""WeChat Pay through the browser, at desktop width and on a 375 px phone: a resident checks out a store
order with WeChat Pay, the checkout shows the native order's QR code, the tester opens the simulator's pay
page (what the QR holds), confirms, the simulator sends the signed, encrypted notification to our notify URL
over HTTP, and the order is placed and shown paid."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from agency.wallets import wechat
from shop.models import Payment, PaymentEvent
from stations.models import StationService
from tests.e2e.helpers import assert_ok
from tests.shop import factories

pytestmark = pytest.mark.e2e
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}


@pytest.fixture
def wechat_world(settings, live_server, station, resident, tree):
    settings.ENABLE_SIMULATORS = settings.WALLET_SIMULATORS = True
    settings.WECHATPAY_MCHID = settings.ALIPAY_APPID = ""
    settings.SITE_URL = live_server.url  # the simulator is this server: API calls and notifications over HTTP
    cache.clear()
    wechat.client_cache_clear()
    StationService.objects.create(station=station, kind="shop_pickup")
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    product = factories.product(merchant.partner, title="农家土鸡蛋", price="36.00")
    resident.email, resident.phone = "liu@example.cn", "13935000001"
    resident.save()
    yield {"product": product}
    wechat.client_cache_clear()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_resident_pays_a_store_order_with_the_wechat_pay_simulators_qr(
        page, shot, sign_in, artifacts_dir, wechat_world, station, resident, width):
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(resident, step=f"01-{width}-sign-in")
    assert_ok(page.goto(wechat_world["product"].get_absolute_url()), "product page")
    with page.expect_navigation():
        page.locator("form[action*='/basket/add/'] [type='submit']").first.click()
    assert_ok(page.goto("/shop/checkout/"), "checkout")
    form = page.locator("form[data-fulfilment-form]")
    form.locator("select[name='station']").select_option(str(station.pk))
    form.locator("input[name='phone']").fill("13935000001")
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))
    expect(page.locator("label.cz-option", has_text="微信支付")).to_be_visible()
    page.locator("input[name='provider'][value='wechat']").check()
    shot(f"02-{width}-choose-wechat-pay")
    with page.expect_navigation():
        page.locator("form [type='submit']").last.click()
    page.wait_for_url(re.compile(r"/checkout/preview/"))

    qr = page.locator("[data-wallet-qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[width]["width"]
    shot(f"03-{width}-preview-with-qr")
    # Pressing the button before paying: not placed, the resident is told why (in Chinese).
    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator(".cz-alert--error, [role='alert']").first).to_contain_text("还没有收到您的付款")
    shot(f"04-{width}-not-paid-yet")

    with page.context.expect_page() as popup_info:
        page.locator("[data-wallet-open]").click()
    phone = popup_info.value
    phone.wait_for_load_state()
    expect(phone.locator("[data-wallet-amount]")).to_contain_text("36.00")
    phone.screenshot(path=str(artifacts_dir / f"wechat-pay-journey-{width}-05-simulator-pay-page.png"), full_page=True)
    with phone.expect_navigation():
        phone.locator("[data-wallet-pay]").click()
    expect(phone.locator("[data-wallet-outcome='paid']")).to_be_visible()
    phone.screenshot(path=str(artifacts_dir / f"wechat-pay-journey-{width}-06-simulator-paid.png"), full_page=True)
    phone.close()

    payment = Payment.objects.get(provider="wechat")
    assert payment.status == "paid"  # by the notification, verified with the platform certificate
    assert PaymentEvent.objects.filter(payment=payment, event_id__startswith="EV-").count() == 1

    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator("[data-payment-status='wallet_paid']")).to_be_visible()
    expect(page.locator("[data-payment-status='wallet_paid']")).to_contain_text("微信支付")
    shot(f"07-{width}-order-placed-and-paid")
    payment.refresh_from_db()
    assert payment.order is not None
    assert_ok(page.goto(reverse("customer:order", kwargs={"order_number": payment.order.number})), "my order")
    expect(page.locator("[data-payment-status='wallet_paid']")).to_be_visible()
    shot(f"08-{width}-my-order-paid")
