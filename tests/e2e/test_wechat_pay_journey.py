"""WeChat Pay through the browser, at desktop width and on a 375 px phone: a resident checks out a store
order with WeChat Pay, the checkout shows the native order's QR code, the tester opens the simulator's pay
page (what the QR holds), confirms, the simulator sends the signed, encrypted notification to our notify URL
over HTTP, and the order is placed and shown paid."""


import pytest
from django.urls import reverse
from playwright.sync_api import expect

from shop.models import Payment, PaymentEvent
from tests.e2e.helpers import (
    VIEWPORTS,
    assert_ok,
    checkout_for_pick_up,
    choose_payment,
    expect_wallet_qr,
    pay_on_the_wallet_simulator,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_resident_pays_a_store_order_with_the_wechat_pay_simulators_qr(
        page, shot, sign_in, artifacts_dir, wallet_simulators, pickup_store, station, resident, width):
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(resident, step=f"01-{width}-sign-in")
    checkout_for_pick_up(page, pickup_store["product"], station)
    expect(page.locator("label.cz-option", has_text="微信支付")).to_be_visible()
    choose_payment(page, "wechat", before_submit=lambda: shot(f"02-{width}-choose-wechat-pay"))

    expect_wallet_qr(page, window_width=VIEWPORTS[width]["width"])
    shot(f"03-{width}-preview-with-qr")
    # Pressing the button before paying: not placed, the resident is told why (in Chinese).
    with page.expect_navigation():
        page.locator("#place-order").click()
    expect(page.locator(".cz-alert--error, [role='alert']").first).to_contain_text("还没有收到您的付款")
    shot(f"04-{width}-not-paid-yet")

    pay_on_the_wallet_simulator(
        page, amount="36.00", screenshot=artifacts_dir / f"wechat-pay-journey-{width}-06-simulator-paid.png",
        pay_page_screenshot=artifacts_dir / f"wechat-pay-journey-{width}-05-simulator-pay-page.png")

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
