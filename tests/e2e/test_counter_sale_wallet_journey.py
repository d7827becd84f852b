"""A counter sale paid by WeChat Pay through the browser, at desktop width and on a 375 px phone: the operator
finds goods by pinyin initials, sees the running total, picks 微信支付 (cash is the default; the cash field goes
away), and the counter screen shows the native order's QR; nothing is sold yet. The tester opens the simulator's
pay page (what the QR holds) and pays; the simulator's signed notification reaches the till over HTTP, the order
is placed and handed over, and the counter page moves on by itself to the sale's receipt with its 微信支付 line.
The cash drawer does not move."""

import re

import pytest
from playwright.sync_api import expect

from agency import services
from agency.models import TillWalletPayment
from shop.models import CounterSale
from tests.e2e.helpers import VIEWPORTS, assert_fits, assert_ok, expect_wallet_qr, pay_on_the_wallet_simulator
from tests.shop import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def wallet_store(wallet_simulators, tree, station):
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    return factories.product(merchant.partner, title="土鸡蛋", price="18.25", stock=10)


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
    assert_fits(page)
    shot(f"02-{width}-choose-wechat-pay")
    with page.expect_navigation():
        page.locator("#sale-submit").click()
    page.wait_for_url(re.compile(r"/counter/till/wallet/\d+/"))

    expect_wallet_qr(page, window_width=VIEWPORTS[width]["width"])
    expect(page.locator("#wallet-amount")).to_have_text("¥36.50")
    assert not CounterSale.objects.exists()  # nothing sold before the wallet confirms
    assert_fits(page)
    shot(f"03-{width}-qr-waiting")

    pay_on_the_wallet_simulator(
        page, amount="36.50", screenshot=artifacts_dir / f"counter-sale-wallet-journey-{width}-04-simulator-paid.png")

    # The counter page notices by itself: the order is placed and handed over, and its receipt shown.
    page.wait_for_url(re.compile(r"/counter/sales/\d+/receipt/"), timeout=30_000)
    receipt = page.locator(".cz-receipt")
    expect(receipt).to_contain_text("土鸡蛋 × 2")
    expect(page.locator("[data-receipt-wallet]")).to_contain_text("微信支付收款")
    assert_fits(page)
    shot(f"05-{width}-receipt")

    sale = CounterSale.objects.get()
    payment = TillWalletPayment.objects.get()
    assert (sale.payment_method, sale.wallet_order, payment.status) == ("wechat", payment.out_trade_no, "paid")
    assert payment.counter_transaction.reference == sale.till_reference
    assert services.expected_cash_fen(station) == 0  # the drawer did not move
