"""Alipay in the store, against the simulator through `python-alipay-sdk`'s own code path (only the HTTP
transport is the test's): precreate QR in the checkout, wap pay for phones, RSA2-signed notifications
verified with Alipay's public key, replays, forged signatures, timeouts and unknown states, close, refund."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from agency.wallets import WalletError, alipay, simulator
from shop.models import Payment, PaymentEvent
from shop.payments.wallets import AlipayProvider
from shop.services.card_attempts import card_attempt_close
from tests.shop.checkout_steps import place, preview_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
Order = get_model("order", "Order")


def phone_pays(payment, action="pay"):
    phone = Client()
    path = payment.client_secret.removeprefix("https://cunzhan.test")
    assert phone.get(path).status_code == 200  # scanning: the trade now exists at Alipay
    return phone.post(path, {"action": action})


def test_the_precreated_qr_is_paid_and_the_rsa2_notice_marks_it_paid(shopper, pickup_station, wallet_http):
    preview = preview_with(shopper, pickup_station, "alipay")
    payment = preview.context["card_payment"]
    assert payment.provider == "alipay" and payment.client_secret.startswith("https://cunzhan.test/sim/alipay/pay/")
    assert wallet_http.calls[0][1].startswith("/sim/alipay/gateway.do?") and "method=alipay.trade.precreate" in \
        wallet_http.calls[0][1]
    # Not scanned yet: Alipay knows no such trade, which is "closed" to us — not paid.
    assert AlipayProvider().intent_status(external_id=payment.external_id) == "declined"
    assert place(shopper, preview).status_code == 200 and not Order.objects.exists()

    assert 'data-wallet-outcome="paid"' in phone_pays(payment).content.decode()
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert PaymentEvent.objects.get(payment=payment).event_id.startswith("sim")
    assert place(shopper, preview).status_code == 302
    thanks = shopper.get(reverse("checkout:thank-you")).content.decode()
    assert 'data-payment-status="wallet_paid"' in thanks


def _notify(client, params):
    return client.post(reverse("shop:wallet-notify", args=["alipay"]), data=urlencode(params),
                       content_type="application/x-www-form-urlencoded")


def test_replayed_and_forged_notifications(client, shopper, pickup_station):
    payment = preview_with(shopper, pickup_station, "alipay").context["card_payment"]
    order = simulator.order_get("alipay", payment.external_id)
    order.update(state="SUCCESS", paid_at=simulator.now_iso())
    genuine = simulator.alipay_notice(order)

    assert _notify(client, dict(genuine, total_amount="0.01")).status_code == 400  # amount changed after signing
    assert _notify(client, dict(genuine, sign="")).status_code == 400
    assert _notify(client, dict(genuine, app_id="2021999999999999")).status_code == 400
    assert not PaymentEvent.objects.exists()

    first = _notify(client, genuine)
    assert first.status_code == 200 and first.content == b"success"
    again = _notify(client, genuine)  # the replay: acknowledged, so Alipay stops; nothing changes
    assert again.status_code == 200 and again.content == b"success"
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_a_notice_for_another_amount_does_not_mark_it_paid(client, shopper, pickup_station):
    payment = preview_with(shopper, pickup_station, "alipay").context["card_payment"]
    order = simulator.order_get("alipay", payment.external_id)
    order.update(state="SUCCESS", paid_at=simulator.now_iso(), amount_fen=1)
    assert _notify(client, simulator.alipay_notice(order)).status_code == 200  # genuine, but not our amount
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_a_lost_notice_is_found_by_query_and_a_timeout_is_never_paid(shopper, pickup_station, wallet_http):
    preview = preview_with(shopper, pickup_station, "alipay")
    payment = preview.context["card_payment"]
    phone_pays(payment, "pay_silent")
    wallet_http.faults["alipay.trade.query"] = "timeout"
    assert alipay.query(out_trade_no=payment.external_id).status == "unknown"
    assert place(shopper, preview).status_code == 200 and not Order.objects.exists()
    wallet_http.faults["alipay.trade.query"] = 502
    assert alipay.query(out_trade_no=payment.external_id).status == "unknown"
    wallet_http.faults.clear()
    assert place(shopper, preview).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_wap_pay_sends_the_phone_to_the_signed_gateway_url(wallet_http):
    order = alipay.wap_url(out_trade_no="CZWAP000001", amount_fen=1250, subject="话费", notify_url="https://cunzhan.test/n",
                           return_url="https://cunzhan.test/shop/")
    assert order.pay_url.startswith("https://cunzhan.test/sim/alipay/gateway.do?") and "sign=" in order.pay_url
    page = Client().get(order.pay_url.removeprefix("https://cunzhan.test"))
    assert page.status_code == 200 and "¥12.50" in page.content.decode()
    tampered = order.pay_url.replace("12.50", "0.01")
    refused = Client().get(tampered.removeprefix("https://cunzhan.test"))
    assert "isv.invalid-signature" in refused.content.decode()


def test_close_refund_and_a_response_that_does_not_verify(shopper, pickup_station, monkeypatch):
    payment = preview_with(shopper, pickup_station, "alipay").context["card_payment"]
    assert card_attempt_close(attempt=payment) == "cancelled"  # never scanned: nothing to close at Alipay
    payment = preview_with(shopper, pickup_station, "alipay").context["card_payment"]
    assert payment.status == "pending"
    phone_pays(payment)
    payment.refresh_from_db()
    assert card_attempt_close(attempt=payment) == "refunded"
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert [r["amount_fen"] for r in simulator.order_get("alipay", payment.external_id)["refunds"]] == [2400]
    with pytest.raises(WalletError):  # nothing left to refund
        alipay.refund(out_trade_no=payment.external_id, out_request_no="another", refund_fen=1)
    original = simulator.alipay_response
    monkeypatch.setattr(simulator, "alipay_response",
                        lambda method, payload: original(method, payload).replace('"code":"10000"', '"code":"10000" '))
    assert alipay.query(out_trade_no=payment.external_id).status == "unknown"  # signature no longer matches


def test_requests_not_signed_by_our_key_are_refused(client):
    response = client.get("/sim/alipay/gateway.do?" + urlencode({
        "app_id": "2021000000000001", "method": "alipay.trade.query", "sign_type": "RSA2", "sign": "AAAA",
        "biz_content": '{"out_trade_no":"X"}'}))
    assert "isv.invalid-signature" in response.content.decode()
    assert not Payment.objects.exists()
