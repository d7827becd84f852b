"""The wallet clients (agency/wallets) against their simulators, at the protocol level: the platform
certificate is fetched once and decrypted with the APIv3 key, a repeated out_trade_no with another amount is
refused, a refund number refunds once, a notification's five-minute window, and the simulators' keys are made
once and shared through their directory. Only the HTTP transport is the test's (tests/wallet_transport.py)."""

import json
import time

import pytest

from agency.wallets import NoticeRejected, WalletError, alipay, keys, simulator, wechat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
NOTIFY = "https://cunzhan.test/shop/payments/wechat/notify/"


def test_the_platform_certificate_is_fetched_once_and_decrypted_with_the_apiv3_key(wallet_http):
    wechat.native(out_trade_no="CZAG00000001", amount_fen=100, description="话费", notify_url=NOTIFY)
    wechat.query(out_trade_no="CZAG00000001")
    paths = [path for _method, path in wallet_http.calls]
    assert paths.count("/sim/wechatpay/v3/certificates") == 1
    certificate = wechat.client()._core._certificates[0]
    assert f"{certificate.serial_number:X}" == keys.simulator_keys()["wechat_platform_serial"]


def test_a_repeated_order_number_returns_the_first_order_or_is_refused_for_another_amount():
    first = wechat.native(out_trade_no="CZAG00000002", amount_fen=500, description="话费", notify_url=NOTIFY)
    assert wechat.native(out_trade_no="CZAG00000002", amount_fen=500, description="话费",
                         notify_url=NOTIFY).code_url == first.code_url
    with pytest.raises(WalletError, match="INVALID_REQUEST"):
        wechat.native(out_trade_no="CZAG00000002", amount_fen=501, description="话费", notify_url=NOTIFY)
    alipay.precreate(out_trade_no="CZAG00000003", amount_fen=500, subject="话费", notify_url=NOTIFY)
    with pytest.raises(WalletError, match=r"ACQ\.CONTEXT_INCONSISTENT"):
        alipay.precreate(out_trade_no="CZAG00000003", amount_fen=900, subject="话费", notify_url=NOTIFY)


def test_a_refund_number_refunds_once_and_never_more_than_was_paid():
    wechat.native(out_trade_no="CZAG00000004", amount_fen=1000, description="话费", notify_url=NOTIFY)
    with pytest.raises(WalletError):  # not paid yet
        wechat.refund(out_trade_no="CZAG00000004", out_refund_no="R4-1", refund_fen=100, total_fen=1000)
    simulator.order_pay(simulator.order_get("wechat", "CZAG00000004"), notify=False)
    first = wechat.refund(out_trade_no="CZAG00000004", out_refund_no="R4-1", refund_fen=600, total_fen=1000)
    assert wechat.refund(out_trade_no="CZAG00000004", out_refund_no="R4-1", refund_fen=600, total_fen=1000) == first
    with pytest.raises(WalletError):
        wechat.refund(out_trade_no="CZAG00000004", out_refund_no="R4-2", refund_fen=500, total_fen=1000)
    assert wechat.refund(out_trade_no="CZAG00000004", out_refund_no="R4-3", refund_fen=400, total_fen=1000) != first
    assert wechat.query(out_trade_no="CZAG00000004").status == "refunded"


def test_a_notification_outside_five_minutes_is_refused_before_it_is_read():
    wechat.native(out_trade_no="CZAG00000005", amount_fen=100, description="话费", notify_url=NOTIFY)
    order = simulator.order_get("wechat", "CZAG00000005")
    order.update(state="SUCCESS", paid_at=simulator.now_iso())
    body, headers = simulator.wechat_notice(order)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    assert wechat.notice(headers=meta, body=body.encode()).kind == "succeeded"
    old = simulator.wechat_response_headers(body, timestamp=int(time.time()) - 301)
    with pytest.raises(NoticeRejected):
        wechat.notice(headers={f"HTTP_{k.upper().replace('-', '_')}": v for k, v in old.items()}, body=body.encode())
    resource = json.loads(body)["resource"]
    assert resource["algorithm"] == "AEAD_AES_256_GCM" and "out_trade_no" not in body  # encrypted


def test_the_simulators_keys_are_made_once_and_read_by_every_process(settings, tmp_path):
    settings.WALLET_SIMULATOR_KEY_DIR = str(tmp_path)
    keys.simulator_keys.cache_clear()
    try:
        made = keys.simulator_keys()
        keys.simulator_keys.cache_clear()  # another process: reads the file, makes nothing
        assert keys.simulator_keys() == made
        assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0  # private keys: the owner's only
        assert len(made["wechat_apiv3_key"]) == 32
    finally:
        keys.simulator_keys.cache_clear()
