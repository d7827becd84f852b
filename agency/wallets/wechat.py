"""WeChat Pay API v3 through the kept library `wechatpayv3` (only this module imports it).

The library signs each request (Authorization: WECHATPAY2-SHA256-RSA2048 …) with the merchant's key,
verifies every response's Wechatpay-Signature with the platform certificate (downloaded from
/v3/certificates and decrypted with the APIv3 key when it is not in WECHATPAY_CERT_DIR), and verifies and
decrypts notifications (AEAD_AES_256_GCM). We add what it leaves to the caller: a notification's timestamp
must be within five minutes (an old one replayed is refused before anything is looked at), and a replay
of a fresh one is recognised by its id (the caller's event table).

In simulator mode the same client talks to the simulator (agency/wallets/views_simulator.py) at
SITE_URL/sim/wechatpay, with the simulator's keys; nothing else differs.
"""

from __future__ import annotations

import gzip
import json
import time
from functools import cache
from pathlib import Path

import requests
from django.conf import settings
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core

from agency.wallets import (
    WECHAT,
    NoticeRejected,
    WalletError,
    WalletNotice,
    WalletOrder,
    WalletState,
    WalletUnreachable,
    wallet_mode,
)
from agency.wallets.keys import simulator_keys

SIMULATOR_PATH = "/sim/wechatpay"
NOTICE_MAX_AGE_SECONDS = 300
# trade_state → our state. USERPAYING: the payer is entering the password; NOTPAY: not paid yet.
TRADE_STATES = {"SUCCESS": "paid", "NOTPAY": "pending", "USERPAYING": "pending", "CLOSED": "closed",
                "REVOKED": "closed", "PAYERROR": "closed", "REFUND": "refunded"}


def config() -> dict:
    """The client's settings for the current mode (live credentials, or the simulator's)."""
    mode = wallet_mode(WECHAT)
    if mode == "live":
        return {"mchid": settings.WECHATPAY_MCHID, "appid": settings.WECHATPAY_APPID,
                "cert_serial_no": settings.WECHATPAY_CERT_SERIAL_NO,
                "private_key": Path(settings.WECHATPAY_PRIVATE_KEY_PATH).read_text(),
                "apiv3_key": settings.WECHATPAY_APIV3_KEY, "cert_dir": settings.WECHATPAY_CERT_DIR or None,
                "gateway": settings.WECHATPAY_API_BASE}
    if mode == "simulator":
        keys = simulator_keys()
        return {"mchid": settings.WECHATPAY_SIMULATOR_MCHID, "appid": settings.WECHATPAY_SIMULATOR_APPID,
                "cert_serial_no": keys["wechat_merchant_serial"], "private_key": keys["wechat_merchant_private"],
                "apiv3_key": keys["wechat_apiv3_key"], "cert_dir": None,
                "gateway": settings.SITE_URL.rstrip("/") + SIMULATOR_PATH}
    raise WalletError("WeChat Pay is not configured")


def client(kind: WeChatPayType = WeChatPayType.NATIVE) -> WeChatPay:
    conf = config()
    return _client(kind, tuple(sorted(conf.items())))


class _Core(Core):
    """The library's Core, with its API host chosen before the platform certificates are first fetched
    (the library fixes the host in __init__ and fetches at once): WECHATPAY_API_BASE, or the simulator."""

    def __init__(self, *, gateway: str, **kwargs) -> None:
        self._chosen_gateway = gateway
        super().__init__(**kwargs)

    def _init_certificates(self) -> None:
        self._gate_way = self._chosen_gateway
        super()._init_certificates()


@cache
def _client(kind: WeChatPayType, conf: tuple) -> WeChatPay:
    values = dict(conf)
    # WeChatPay.__init__ only stores its arguments and builds a Core; we do the same with ours.
    pay = WeChatPay.__new__(WeChatPay)
    pay._type, pay._mchid, pay._appid = kind, values["mchid"], values["appid"]
    pay._notify_url, pay._partner_mode = None, False
    try:
        pay._core = _Core(gateway=values["gateway"], mchid=values["mchid"], cert_serial_no=values["cert_serial_no"],
                          private_key=values["private_key"], apiv3_key=values["apiv3_key"],
                          cert_dir=values["cert_dir"], timeout=tuple(settings.WECHATPAY_TIMEOUT))
    except requests.RequestException as error:  # the platform certificate could not be fetched
        raise WalletUnreachable(str(error)) from error
    except Exception as error:  # the library names a missing certificate with a bare Exception
        raise WalletError(str(error)) from error
    return pay


def client_cache_clear() -> None:
    _client.cache_clear()


def _call(call):
    """(status code, parsed JSON body) of a library call; a timeout or a broken connection is unknown."""
    try:
        code, body = call()
    except requests.RequestException as error:
        raise WalletUnreachable(str(error)) from error
    except Exception as error:  # the library raises a bare Exception when a response's signature fails
        raise WalletError(str(error)) from error
    data = {}
    if body:
        try:
            data = json.loads(body) if isinstance(body, str) else {}
        except ValueError:
            data = {}
    return code, data


def _refused(code: int, data: dict) -> WalletError:
    message = f"{data.get('code', code)}: {data.get('message', '')}"
    return WalletUnreachable(message) if code >= 500 else WalletError(message)


def _order(kind: WeChatPayType, *, out_trade_no: str, amount_fen: int, description: str, notify_url: str,
           **extra) -> dict:
    code, data = _call(lambda: client(kind).pay(
        description=description[:127], out_trade_no=out_trade_no, amount={"total": amount_fen, "currency": "CNY"},
        notify_url=notify_url, pay_type=kind, **extra))
    if code != 200:
        raise _refused(code, data)
    return data


def native(*, out_trade_no: str, amount_fen: int, description: str, notify_url: str,
           time_expire: str | None = None) -> WalletOrder:
    """A native order: its code_url is what the QR on the counter screen or the desktop store shows.
    `time_expire` (RFC 3339): after it WeChat Pay takes no money for the order."""
    extra = {"time_expire": time_expire} if time_expire else {}
    data = _order(WeChatPayType.NATIVE, out_trade_no=out_trade_no, amount_fen=amount_fen,
                  description=description, notify_url=notify_url, **extra)
    return WalletOrder(out_trade_no=out_trade_no, code_url=data["code_url"])


def h5(*, out_trade_no: str, amount_fen: int, description: str, notify_url: str, client_ip: str) -> WalletOrder:
    """An H5 order, for a resident's phone browser: h5_url opens WeChat to pay."""
    data = _order(WeChatPayType.H5, out_trade_no=out_trade_no, amount_fen=amount_fen, description=description,
                  notify_url=notify_url, scene_info={"payer_client_ip": client_ip or "127.0.0.1",
                                                     "h5_info": {"type": "Wap"}})
    return WalletOrder(out_trade_no=out_trade_no, pay_url=data["h5_url"])


def jsapi(*, out_trade_no: str, amount_fen: int, description: str, notify_url: str, openid: str) -> WalletOrder:
    """A JSAPI order, inside WeChat's own browser (the official account): the page calls WeixinJSBridge with
    the prepay id, signed by jsapi_params."""
    data = _order(WeChatPayType.JSAPI, out_trade_no=out_trade_no, amount_fen=amount_fen,
                  description=description, notify_url=notify_url, payer={"openid": openid})
    return WalletOrder(out_trade_no=out_trade_no, prepay_id=data["prepay_id"])


def jsapi_params(prepay_id: str, *, timestamp: str, nonce: str) -> dict:
    """What the page hands WeixinJSBridge.invoke('getBrandWCPayRequest', …), signed with the merchant key."""
    appid = config()["appid"]
    package = f"prepay_id={prepay_id}"
    sign = client(WeChatPayType.JSAPI).sign([appid, timestamp, nonce, package])
    return {"appId": appid, "timeStamp": timestamp, "nonceStr": nonce, "package": package, "signType": "RSA",
            "paySign": sign}


def query(*, out_trade_no: str) -> WalletState:
    """How the order stands; "unknown" when WeChat cannot be asked (never treated as paid)."""
    try:
        code, data = _call(lambda: client().query(out_trade_no=out_trade_no))
    except WalletError as error:  # no answer, or one that does not verify: unknown, never paid
        return WalletState("unknown", message=str(error)[:200])
    if code == 404 or data.get("code") == "ORDER_NOT_EXIST":
        return WalletState("closed", message="ORDER_NOT_EXIST")
    if code != 200:
        return WalletState("unknown", message=str(_refused(code, data))[:200])
    amount = (data.get("amount") or {}).get("payer_total") or (data.get("amount") or {}).get("total") or 0
    return WalletState(TRADE_STATES.get(data.get("trade_state", ""), "unknown"),
                       transaction_id=data.get("transaction_id", "") or "", amount_fen=int(amount),
                       message=data.get("trade_state_desc", "") or "")


def close(*, out_trade_no: str) -> None:
    """Close an unpaid order so that it can no longer take money (204). A paid one refuses (ORDERPAID)."""
    code, data = _call(lambda: client().close(out_trade_no=out_trade_no))
    if code not in (200, 204):
        raise _refused(code, data)


def refund(*, out_trade_no: str, out_refund_no: str, refund_fen: int, total_fen: int, notify_url: str = "") -> str:
    """Refund (part of) a paid order; the same out_refund_no refunds once. Returns WeChat's refund_id."""
    code, data = _call(lambda: client().refund(
        out_refund_no=out_refund_no[:64], out_trade_no=out_trade_no, notify_url=notify_url or None,
        amount={"refund": refund_fen, "total": total_fen, "currency": "CNY"}))
    if code != 200 or data.get("status") not in ("SUCCESS", "PROCESSING"):
        raise _refused(code, data)
    return data["refund_id"]


def trade_bill(*, bill_date: str) -> bytes:
    """The day's trade bill (bill_type ALL) as CSV bytes; WeChat serves it gzipped."""
    pay = client()
    code, data = _call(lambda: pay.trade_bill(bill_date=bill_date, tar_type="GZIP"))
    if code != 200:
        raise _refused(code, data)
    try:
        code, body = pay.download_bill(data["download_url"])
    except requests.RequestException as error:
        raise WalletUnreachable(str(error)) from error
    if code != 200:
        raise WalletError(f"bill download answered {code}")
    raw = body if isinstance(body, bytes) else body.encode()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def notice(*, headers: dict, body: bytes) -> WalletNotice:
    """A notification (payment or refund), verified and decrypted; NoticeRejected when it does not check out."""
    stamp = headers.get("HTTP_WECHATPAY_TIMESTAMP") or headers.get("Wechatpay-Timestamp") or ""
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > NOTICE_MAX_AGE_SECONDS:
        raise NoticeRejected("timestamp missing or outside five minutes")
    try:
        data = client().callback(headers=headers, body=body)
    except WalletError:
        raise
    except Exception as error:  # an unsupported signature type or algorithm
        raise NoticeRejected(str(error)) from error
    if not data:
        raise NoticeRejected("signature or encrypted resource does not verify")
    resource = data["resource"]
    event_type = data.get("event_type", "")
    if event_type == "TRANSACTION.SUCCESS" and resource.get("trade_state") == "SUCCESS":
        kind, amount = "succeeded", (resource.get("amount") or {}).get("total", 0)
    elif event_type.startswith("REFUND.") and resource.get("refund_status") == "SUCCESS":
        kind, amount = "refunded", (resource.get("amount") or {}).get("refund", 0)
    else:
        kind, amount = "other", 0
    return WalletNotice(event_id=data.get("id", ""), kind=kind, out_trade_no=resource.get("out_trade_no", ""),
                        transaction_id=resource.get("transaction_id", ""), amount_fen=int(amount))
