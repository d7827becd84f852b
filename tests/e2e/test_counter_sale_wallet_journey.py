"""A counter sale paid by WeChat Pay through the browser, at desktop width and on a 375 px phone: the operator
finds goods by pinyin initials, sees the running total, picks 微信支付 (cash is the default; the cash field goes
away), and the counter screen shows the native order's QR; nothing is sold yet. The tester opens the simulator's
pay page (what the QR holds) and pays; the simulator's signed notification reaches the till over HTTP, the order
is placed and handed over, and the counter page moves on by itself to the sale's receipt with its 微信支付 line.
The cash drawer does not move."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from agency import services
from agency.models import TillWalletPayment
from agency.wallets import wechat
from shop.models import CounterSale
from tests.e2e.helpers import assert_ok
from tests.shop import factories

pytestmark = pytest.mark.e2e
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}


@pytest.fixture
def wallet_store(settings, live_server, tree, station):
    settings.ENABLE_SIMULATORS = settings.WALLET_SIMULATORS = True
    settings.WECHATPAY_MCHID = settings.ALIPAY_APPID = ""
    settings.SITE_URL = live_server.url  # the simulator is this server: API calls and notifications over HTTP
    cache.clear()
    wechat.client_cache_clear()
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    yield factories.product(merchant.partner, title="土鸡蛋", price="18.25", stock=10)
    wechat.client_cache_clear()


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_an_operator_sells_goods_paid_with_the_wechat_pay_simulators_qr(
        page, shot, sign_in, artifacts_dir, wallet_store, operator, station, width):
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(operator, step=f"01-{width}-sign-in")
    assert_ok(page.goto("/counter/sales/new/"), "counter sale")
    page.fill("[data-sale-search]", "tjd")
    page.locator("[data-sale-results] button").first.click()
    page.fill("[data-sale-search]", "tjd")
    page.locator("[data-sale-results] button").first.click()
    expect(page.locator("[data-sale-total]")).to_have_text("¥36.50")
    expect(page.locator("input[name='payment_method'][value='cash']")).to_be_checked()  # cash stays the default
    page.locator("input[name='payment_method'][value='wechat']").check()
    expect(page.locator("input[name='cash_received']")).to_be_hidden()
    expect(page.locator("#sale-submit")).to_contain_text("二维码")
    _no_overflow(page)
    shot(f"02-{width}-choose-wechat-pay")
    with page.expect_navigation():
        page.locator("#sale-submit").click()
    page.wait_for_url(re.compile(r"/counter/till/wallet/\d+/"))

    qr = page.locator("[data-wallet-qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[width]["width"]
    expect(page.locator("#wallet-amount")).to_have_text("¥36.50")
    assert not CounterSale.objects.exists()  # nothing sold before the wallet confirms
    _no_overflow(page)
    shot(f"03-{width}-qr-waiting")

    with page.context.expect_page() as popup_info:
        page.locator("[data-wallet-open]").click()
    phone = popup_info.value
    phone.wait_for_load_state()
    expect(phone.locator("[data-wallet-amount]")).to_contain_text("36.50")
    with phone.expect_navigation():
        phone.locator("[data-wallet-pay]").click()
    expect(phone.locator("[data-wallet-outcome='paid']")).to_be_visible()
    phone.screenshot(path=str(artifacts_dir / f"counter-sale-wallet-journey-{width}-04-simulator-paid.png"),
                     full_page=True)
    phone.close()

    # The counter page notices by itself: the order is placed and handed over, and its receipt shown.
    page.wait_for_url(re.compile(r"/counter/sales/\d+/receipt/"), timeout=30_000)
    receipt = page.locator(".cz-receipt")
    expect(receipt).to_contain_text("土鸡蛋 × 2")
    expect(page.locator("[data-receipt-wallet]")).to_contain_text("微信支付收款")
    _no_overflow(page)
    shot(f"05-{width}-receipt")

    sale = CounterSale.objects.get()
    payment = TillWalletPayment.objects.get()
    assert (sale.payment_method, sale.wallet_order, payment.status) == ("wechat", payment.out_trade_no, "paid")
    assert payment.counter_transaction.reference == sale.till_reference
    assert services.expected_cash_fen(station) == 0  # the drawer did not move
