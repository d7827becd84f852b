"""WeChat Pay at the till through the browser, at desktop width and on a 375 px phone: an operator takes a
resident's electricity bill, picks 微信支付, confirms, the counter screen shows the native order's QR and waits;
the tester opens the simulator's pay page (what the QR holds) and pays; the simulator's signed notification
reaches the till over HTTP, the counter page (asking every two seconds) moves on by itself to the paid result.
The cash drawer does not move: the money sits in the station's wallet clearing account."""

import re

import pytest
from playwright.sync_api import expect

from agency import services
from agency.models import CounterTransaction, TillWalletPayment
from tests.agency.factories import ProductFactory, account_number, fund
from tests.e2e.helpers import VIEWPORTS, assert_ok, expect_wallet_qr, pay_on_the_wallet_simulator

pytestmark = pytest.mark.e2e
ACCOUNT = account_number(42)


@pytest.fixture
def wallet_till(wallet_simulators, station):
    product = ProductFactory(name="电费缴纳", provider__name="国网河北省电力有限公司", provider__code="state-grid")
    fund(station, product.provider.float_group, 200_000)
    return product


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_an_operator_takes_a_bill_with_the_wechat_pay_simulators_qr(
        page, shot, sign_in, artifacts_dir, wallet_till, operator, station, width):
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(operator, step=f"01-{width}-sign-in")
    assert_ok(page.goto(f"/counter/till/pay/{wallet_till.pk}/"), "the payment form")
    page.locator("input[name='account_number']").fill(ACCOUNT)
    page.locator("input[name='amount']").fill("88.00")
    expect(page.locator("input[name='payment_method'][value='cash']")).to_be_checked()  # cash stays the default
    page.locator("input[name='payment_method'][value='wechat']").check()
    shot(f"02-{width}-choose-wechat-pay")
    with page.expect_navigation():
        page.locator("#review-payment").click()
    expect(page.locator("#confirm-total")).to_have_text("¥88.00")
    expect(page.locator("#confirm-pay")).to_contain_text("二维码")
    with page.expect_navigation():
        page.locator("#confirm-pay").click()
    page.wait_for_url(re.compile(r"/counter/till/wallet/\d+/"))

    expect_wallet_qr(page, window_width=VIEWPORTS[width]["width"])
    expect(page.locator("#wallet-amount")).to_have_text("¥88.00")
    expect(page.locator("[data-till-wallet]")).to_have_attribute("data-paid", "0")
    assert not CounterTransaction.objects.exists()  # nothing recorded before the wallet confirms
    shot(f"03-{width}-qr-waiting")

    pay_on_the_wallet_simulator(
        page, amount="88.00", screenshot=artifacts_dir / f"till-wallet-journey-{width}-04-simulator-paid.png")

    # The counter page notices by itself and moves on to the transaction's result.
    page.wait_for_url(re.compile(r"/counter/till/transactions/\d+/"), timeout=20_000)
    expect(page.locator("h1[data-status='succeeded']")).to_be_visible()
    shot(f"05-{width}-paid")

    payment = TillWalletPayment.objects.get()
    tx = payment.counter_transaction
    assert (payment.status, tx.status, tx.payment_method, tx.total_fen) == ("paid", "succeeded", "wechat", 8_800)
    assert services.expected_cash_fen(station) == 0  # the drawer did not move
