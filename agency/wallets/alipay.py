"""Alipay's open API through the kept library `python-alipay-sdk` (only this module imports `alipay`).

Requests are signed RSA2 (SHA256withRSA) with our application key; the library verifies every synchronous
response with Alipay's public key, and `notice` verifies an asynchronous notification the same way.
A notification carries notify_id: a replay repeats it and the caller's event table recognises it.

In simulator mode the same client talks to the simulator's gateway (SITE_URL/sim/alipay/gateway.do).
"""

from __future__ import annotations

import urllib.error
from decimal import Decimal
from functools import cache
from pathlib import Path

import alipay as alipay_sdk
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig
from django.conf import settings

from agency.wallets import (
    ALIPAY,
    NoticeRejected,
    WalletError,
    WalletNotice,
    WalletOrder,
    WalletState,
    WalletUnreachable,
    wallet_mode,
)
from agency.wallets.keys import simulator_keys

SIMULATOR_PATH = "/sim/alipay/gateway.do"
TRADE_STATES = {"TRADE_SUCCESS": "paid", "TRADE_FINISHED": "paid", "WAIT_BUYER_PAY": "pending",
                "TRADE_CLOSED": "closed"}


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def fen(yuan_text: str) -> int:
    return int((Decimal(yuan_text or "0") * 100).to_integral_value())


def config() -> dict:
    mode = wallet_mode(ALIPAY)
    if mode == "live":
        return {"appid": settings.ALIPAY_APPID,
                "private_key": Path(settings.ALIPAY_APP_PRIVATE_KEY_PATH).read_text(),
                "public_key": Path(settings.ALIPAY_PUBLIC_KEY_PATH).read_text(), "gateway": settings.ALIPAY_GATEWAY}
    if mode == "simulator":
        keys = simulator_keys()
        return {"appid": settings.ALIPAY_SIMULATOR_APPID, "private_key": keys["alipay_app_private"],
                "public_key": keys["alipay_gateway_public"],
                "gateway": settings.SITE_URL.rstrip("/") + SIMULATOR_PATH}
    raise WalletError("Alipay is not configured")


def client() -> alipay_sdk.AliPay:
    return _client(tuple(sorted(config().items())))


@cache
def _client(conf: tuple) -> alipay_sdk.AliPay:
    values = dict(conf)
    pay = alipay_sdk.AliPay(appid=values["appid"], app_private_key_string=values["private_key"],
                            alipay_public_key_string=values["public_key"], sign_type="RSA2",
                            config=AliPayConfig(timeout=settings.ALIPAY_TIMEOUT))
    pay._gateway = values["gateway"]  # the simulator, or Alipay's (the library's default)
    return pay


def client_cache_clear() -> None:
    _client.cache_clear()


def _call(call, response_key: str) -> dict:
    try:
        return call()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise WalletUnreachable(str(error)) from error
    except AliPayValidationError as error:
        raise WalletError("the response's signature does not verify") from error
    except AliPayException as error:
        raise WalletError(str(error)[:300]) from error


def _ok(data: dict) -> bool:
    return str(data.get("code")) == "10000"


def precreate(*, out_trade_no: str, amount_fen: int, subject: str, notify_url: str,
              timeout_express: str | None = None) -> WalletOrder:
    """A QR order (当面付 precreate): qr_code is what the counter screen or the desktop store shows.
    `timeout_express` (e.g. "5m"): after it the QR takes no money (an unscanned QR cannot be closed)."""
    extra = {"timeout_express": timeout_express} if timeout_express else {}
    data = _call(lambda: client().api_alipay_trade_precreate(
        subject=subject[:256], out_trade_no=out_trade_no, total_amount=yuan(amount_fen), notify_url=notify_url,
        **extra),
        "alipay_trade_precreate_response")
    if not _ok(data):
        raise WalletError(f"{data.get('sub_code', data.get('code'))}: {data.get('sub_msg', data.get('msg', ''))}")
    return WalletOrder(out_trade_no=out_trade_no, code_url=data["qr_code"])


def wap_url(*, out_trade_no: str, amount_fen: int, subject: str, notify_url: str, return_url: str) -> WalletOrder:
    """Mobile web pay: the phone's browser is sent to this signed URL (no server call)."""
    query = client().api_alipay_trade_wap_pay(subject=subject[:256], out_trade_no=out_trade_no,
                                              total_amount=yuan(amount_fen), return_url=return_url,
                                              notify_url=notify_url)
    return WalletOrder(out_trade_no=out_trade_no, pay_url=f"{config()['gateway']}?{query}")


def query(*, out_trade_no: str) -> WalletState:
    try:
        data = _call(lambda: client().api_alipay_trade_query(out_trade_no=out_trade_no),
                     "alipay_trade_query_response")
    except WalletError as error:
        text = str(error)
        if "TRADE_NOT_EXIST" in text:  # no order: nobody can have paid it
            return WalletState("closed", message="ACQ.TRADE_NOT_EXIST")
        return WalletState("unknown", message=text[:200])
    if not _ok(data):
        if data.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return WalletState("closed", message="ACQ.TRADE_NOT_EXIST")
        return WalletState("unknown", message=str(data.get("sub_msg") or data.get("msg") or "")[:200])
    return WalletState(TRADE_STATES.get(data.get("trade_status", ""), "unknown"),
                       transaction_id=data.get("trade_no", ""), amount_fen=fen(data.get("total_amount", "0")))


def close(*, out_trade_no: str) -> None:
    data = _call(lambda: client().api_alipay_trade_close(out_trade_no=out_trade_no), "alipay_trade_close_response")
    # An order the payer never scanned does not exist at Alipay yet: nothing to close.
    if not _ok(data) and data.get("sub_code") != "ACQ.TRADE_NOT_EXIST":
        raise WalletError(f"{data.get('sub_code')}: {data.get('sub_msg', '')}")


def refund(*, out_trade_no: str, out_request_no: str, refund_fen: int) -> str:
    """Refund (part of) a paid order; the same out_request_no refunds once. Returns Alipay's trade_no."""
    data = _call(lambda: client().api_alipay_trade_refund(refund_amount=yuan(refund_fen), out_trade_no=out_trade_no,
                                                          out_request_no=out_request_no[:64]),
                 "alipay_trade_refund_response")
    if not _ok(data):
        raise WalletError(f"{data.get('sub_code')}: {data.get('sub_msg', '')}")
    return f"{data.get('trade_no', '')}:{out_request_no[:64]}"


def bill_url(*, bill_date: str) -> str:
    """Where the day's business bill (trade) can be downloaded (alipay.data.dataservice.bill.downloadurl.query)."""
    data = _call(lambda: client().server_api("alipay.data.dataservice.bill.downloadurl.query",
                                             {"bill_type": "trade", "bill_date": bill_date}),
                 "alipay_data_dataservice_bill_downloadurl_query_response")
    if not _ok(data):
        raise WalletError(f"{data.get('sub_code')}: {data.get('sub_msg', '')}")
    return data["bill_download_url"]


def bill(*, bill_date: str) -> bytes:
    """The day's bill file (a zip of GBK CSV files, as Alipay serves it)."""
    url = bill_url(bill_date=bill_date)
    try:
        return alipay_sdk.urlopen(url, timeout=settings.ALIPAY_TIMEOUT).read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise WalletUnreachable(str(error)) from error


def notice(*, form: dict) -> WalletNotice:
    """An asynchronous notification (form fields), verified with Alipay's public key."""
    data = {key: value for key, value in form.items()}
    signature = data.pop("sign", "")
    if not signature or data.get("app_id") != config()["appid"]:
        raise NoticeRejected("unsigned, or for another application")
    try:
        verified = client().verify(dict(data), signature)
    except (AliPayException, ValueError, TypeError) as error:
        raise NoticeRejected(str(error)) from error
    if not verified:
        raise NoticeRejected("signature does not verify")
    status = data.get("trade_status", "")
    if data.get("refund_fee") and fen(data.get("refund_fee", "0")) > 0:
        kind, amount = "refunded", fen(data["refund_fee"])
    elif status in ("TRADE_SUCCESS", "TRADE_FINISHED"):
        kind, amount = "succeeded", fen(data.get("total_amount", "0"))
    else:
        kind, amount = "other", 0
    return WalletNotice(event_id=data.get("notify_id", ""), kind=kind, out_trade_no=data.get("out_trade_no", ""),
                        transaction_id=data.get("trade_no", ""), amount_fen=amount)
