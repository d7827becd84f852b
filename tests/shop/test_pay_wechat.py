"""WeChat Pay (API v3) in the store, against the simulator through the real library code path: only the HTTP
transport is the test's (tests/wallet_transport.py). Native QR in the checkout, the signed and encrypted
notification, replays, bad signatures, stale timestamps, timeouts, a lost notification found by a query,
close and refund, H5 and JSAPI orders."""

import json

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from agency.wallets import WalletError, WalletUnreachable, simulator, wechat
from core.models import AuditEvent
from shop.models import Payment, PaymentEvent
from shop.payments.wallets import WechatPayProvider
from shop.services.card_attempts import card_attempt_close
from tests.shop.checkout_steps import place, preview_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
Order = get_model("order", "Order")


def phone_pays(payment, action="pay"):
    """The resident's phone opens the QR's URL (the simulator's pay page) and confirms."""
    from django.test import Client

    phone = Client()
    path = payment.client_secret.removeprefix("https://cunzhan.test")
    assert phone.get(path).status_code == 200
    return phone.post(path, {"action": action})


def test_the_qr_is_paid_on_the_phone_the_signed_notice_marks_it_paid_and_the_order_is_placed(
        shopper, pickup_station, wallet_http):
    preview = preview_with(shopper, pickup_station)
    payment = preview.context["card_payment"]
    page = preview.content.decode()
    assert payment.provider == "wechat" and payment.amount_fen == 2400 and payment.status == "pending"
    assert payment.client_secret.startswith("https://cunzhan.test/sim/wechat/pay/") and "<svg" in page
    assert "data-wallet-step" in page and "checkout_card.js" not in page
    # The library fetched the platform certificate, then created a native order, both signed by us.
    assert [c[1] for c in wallet_http.calls[:2]] == ["/sim/wechatpay/v3/certificates",
                                                     "/sim/wechatpay/v3/pay/transactions/native"]
    assert preview_with(shopper, pickup_station).context["card_payment"].pk == payment.pk  # a reload: the same

    refused = place(shopper, preview)  # before paying: not placed, nothing charged
    assert refused.status_code == 200 and not Order.objects.exists()
    assert "还没有收到您的付款" in refused.content.decode()

    paid = phone_pays(payment)
    assert 'data-wallet-outcome="paid"' in paid.content.decode()
    payment.refresh_from_db()
    assert payment.status == "paid"
    event = PaymentEvent.objects.get(payment=payment)
    assert event.provider == "wechat" and event.event_id.startswith("EV-") and event.kind == "wallet.succeeded"

    placed = place(shopper, preview)
    assert placed.status_code == 302 and placed.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    payment.refresh_from_db()
    assert payment.order == order
    thanks = shopper.get(reverse("checkout:thank-you")).content.decode()
    assert 'data-payment-status="wallet_paid"' in thanks and "微信支付" in thanks


def test_a_replayed_notification_is_acknowledged_and_changes_nothing(shopper, pickup_station):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    phone_pays(payment)
    audits = AuditEvent.objects.count()
    order = simulator.order_get("wechat", payment.external_id)
    assert simulator.notify_send(order) is True  # the same id again: answered 204, so WeChat stops sending
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    assert AuditEvent.objects.count() == audits


def _notice(payment):
    order = simulator.order_get("wechat", payment.external_id)
    order.update(state="SUCCESS", paid_at=simulator.now_iso())
    return simulator.wechat_notice(order)


def _post_notice(client, body, headers):
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(reverse("shop:wallet-notify", args=["wechat"]), data=body, content_type="application/json",
                       **meta)


def test_a_notification_that_does_not_verify_is_refused_and_nothing_is_recorded(client, shopper, pickup_station):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    body, headers = _notice(payment)
    tampered = body.replace('"summary": "支付成功"', '"summary": "支付成功 "')
    assert _post_notice(client, tampered, headers).status_code == 401  # the body changed after signing
    forged = dict(headers, **{"Wechatpay-Serial": "1234ABCD"})  # a certificate WeChat never issued
    assert _post_notice(client, body, forged).status_code == 401
    stale_body, stale_headers = body, simulator.wechat_response_headers(body, timestamp=1_700_000_000)
    assert _post_notice(client, stale_body, stale_headers).status_code == 401  # signed, but six hours+ old
    wrong_type = dict(headers, **{"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"})
    assert _post_notice(client, body, wrong_type).status_code == 401
    assert not PaymentEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert _post_notice(client, body, headers).status_code == 204  # the genuine one goes through
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_a_resource_encrypted_with_another_key_is_refused(client, shopper, pickup_station):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    body, _headers = _notice(payment)
    data = json.loads(body)
    data["resource"]["ciphertext"] = data["resource"]["ciphertext"][:-8] + "AAAAAAA="
    changed = json.dumps(data, ensure_ascii=False)
    assert _post_notice(client, changed, simulator.wechat_response_headers(changed)).status_code == 401
    assert not PaymentEvent.objects.exists()


def test_a_lost_notification_is_found_by_a_query_and_only_a_paid_answer_marks_it_paid(
        shopper, pickup_station, wallet_http):
    preview = preview_with(shopper, pickup_station)
    payment = preview.context["card_payment"]
    assert 'data-wallet-outcome="paid_undelivered"' in phone_pays(payment, "pay_silent").content.decode()
    payment.refresh_from_db()
    assert payment.status == "pending"  # WeChat has the money; we have not heard

    wallet_http.faults["/out-trade-no/"] = "timeout"  # the query times out: unknown, so not placed
    assert place(shopper, preview).status_code == 200 and not Order.objects.exists()
    payment.refresh_from_db()
    assert payment.status == "pending"

    wallet_http.faults.clear()
    assert place(shopper, preview).status_code == 302  # the query's signed answer: paid
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.order is not None
    assert PaymentEvent.objects.get(payment=payment).event_id.startswith("query:")
    order = simulator.order_get("wechat", payment.external_id)
    simulator.notify_send(order)  # the late notification: recorded, changes nothing more
    payment.refresh_from_db()
    assert payment.status == "paid" and PaymentEvent.objects.filter(payment=payment).count() == 2


def test_wechat_unreachable_when_the_checkout_starts_shows_an_error_and_keeps_nothing(
        shopper, pickup_station, wallet_http):
    wallet_http.faults["/transactions/native"] = "timeout"
    preview = preview_with(shopper, pickup_station)
    assert "data-wallet-unreachable" in preview.content.decode()
    assert not Payment.objects.exists()
    wallet_http.faults["/transactions/native"] = 500
    assert "data-wallet-unreachable" in preview_with(shopper, pickup_station).content.decode()
    wallet_http.faults.clear()
    assert preview_with(shopper, pickup_station).context["card_payment"] is not None


def test_a_response_with_a_bad_signature_is_not_believed(shopper, pickup_station, monkeypatch):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    phone_pays(payment, "pay_silent")
    original = simulator.wechat_response_headers
    monkeypatch.setattr("agency.wallets.views_simulator.wechat_response_headers",
                        lambda body: {**original(body), "Wechatpay-Signature": original("other")["Wechatpay-Signature"]})
    state = wechat.query(out_trade_no=payment.external_id)
    assert state.status == "unknown"  # WeChat said SUCCESS, but unsigned by WeChat: not believed
    assert WechatPayProvider().intent_status(external_id=payment.external_id) == "pending"


def test_our_requests_are_signed_and_the_simulator_refuses_unsigned_ones(client):
    response = client.post("/sim/wechatpay/v3/pay/transactions/native", data="{}", content_type="application/json",
                           HTTP_AUTHORIZATION='WECHATPAY2-SHA256-RSA2048 mchid="1900000109",signature="x"')
    assert response.status_code == 401 and response.json()["code"] == "SIGN_ERROR"


def test_an_abandoned_attempt_is_closed_at_wechat_and_can_no_longer_be_paid(shopper, pickup_station):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    assert card_attempt_close(attempt=payment) == "cancelled"
    assert simulator.order_get("wechat", payment.external_id)["state"] == "CLOSED"
    page = phone_pays(payment)
    assert 'data-wallet-outcome="closed"' in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == "cancelled"


def test_a_paid_abandoned_attempt_is_refunded_once(shopper, pickup_station):
    payment = preview_with(shopper, pickup_station).context["card_payment"]
    phone_pays(payment)
    payment.refresh_from_db()
    assert card_attempt_close(attempt=payment) == "refunded"
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refund_external_id.startswith("50")
    refunds = simulator.order_get("wechat", payment.external_id)["refunds"]
    assert [r["amount_fen"] for r in refunds] == [2400]
    provider = WechatPayProvider()  # the same reference again: the same refund, not a second one
    assert provider.refund(external_id=payment.external_id, amount_fen=2400,
                           reference=f"attempt-{payment.pk}") == payment.refund_external_id
    with pytest.raises(WalletError):  # more than was paid
        provider.refund(external_id=payment.external_id, amount_fen=100, reference="another")


def test_h5_and_jsapi_orders_for_phones(wallet_http):
    h5 = wechat.h5(out_trade_no="CZTESTH5001", amount_fen=990, description="话费充值", notify_url="https://cunzhan.test/n",
                   client_ip="10.1.2.3")
    assert h5.pay_url.startswith("https://cunzhan.test/sim/wechat/pay/")
    jsapi = wechat.jsapi(out_trade_no="CZTESTJS001", amount_fen=990, description="话费充值",
                         notify_url="https://cunzhan.test/n", openid="o_resident")
    assert jsapi.prepay_id.startswith("wx")
    params = wechat.jsapi_params(jsapi.prepay_id, timestamp="1796570000", nonce="abc123")
    from agency.wallets.keys import simulator_keys

    message = f"{params['appId']}\n1796570000\nabc123\nprepay_id={jsapi.prepay_id}\n"
    assert simulator.rsa_verify(simulator_keys()["wechat_merchant_public"], message, params["paySign"])
    assert wechat.query(out_trade_no="CZTESTH5001").status == "pending"
    wechat.close(out_trade_no="CZTESTH5001")
    assert wechat.query(out_trade_no="CZTESTH5001").status == "closed"
    assert wechat.query(out_trade_no="NEVERCREATED1").status == "closed"
    wallet_http.faults["/refund/"] = "reset"
    with pytest.raises(WalletUnreachable):
        wechat.refund(out_trade_no="CZTESTJS001", out_refund_no="R1", refund_fen=1, total_fen=990)
