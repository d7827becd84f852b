"""Mobile wallets: WeChat Pay (API v3) and Alipay (open API, RSA2), for the store and the till.

* wechat.py  — the client of WeChat Pay API v3 through the kept library `wechatpayv3`: native QR, H5 and
  JSAPI orders, query, close, refund, the trade bill, and asynchronous notifications verified with the
  platform certificate and decrypted (AEAD_AES_256_GCM).
* alipay.py  — the client of Alipay's open API through `python-alipay-sdk` (import alipay): precreate (QR),
  mobile web (wap pay), query, close, refund, the bill download URL, notifications verified with Alipay's
  public key.
* simulator.py / views_simulator.py — both gateways as this process can play them: the same request and
  notification shapes with real signatures (RSA keys made at first use and kept in var/, see keys.py),
  a pay page that a tester opens from the QR, and the signed notification it sends.
* bills.py   — the providers' daily bill files (WeChat tradebill CSV, Alipay's business detail CSV) read
  into rows the reconciliation compares with our records.

Which one is in use is a matter of settings alone (wallet_mode): live credentials set → the real gateway;
otherwise, where simulators are enabled, the simulator; else the wallet is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

WECHAT, ALIPAY = "wechat", "alipay"


def wallet_mode(wallet: str) -> str:
    """"live", "simulator" or "" (not offered) for WECHAT or ALIPAY, from settings alone."""
    live = settings.WECHATPAY_MCHID if wallet == WECHAT else settings.ALIPAY_APPID
    if live:
        return "live"
    return "simulator" if settings.ENABLE_SIMULATORS and getattr(settings, "WALLET_SIMULATORS", True) else ""


@dataclass(frozen=True)
class WalletOrder:
    """An order created at the wallet: our out_trade_no and what the payer's device needs (a QR's content,
    an H5 or wap URL, a JSAPI prepay id)."""

    out_trade_no: str
    code_url: str = ""
    pay_url: str = ""
    prepay_id: str = ""


@dataclass(frozen=True)
class WalletState:
    """What a query says: "paid", "pending", "closed" (nothing taken, never will be), "refunded", or
    "unknown" (no answer: ask again later; never shown as paid)."""

    status: str
    transaction_id: str = ""
    amount_fen: int = 0
    message: str = ""


@dataclass(frozen=True)
class WalletNotice:
    """A verified notification: event_id is unique per provider (a replay carries the same one)."""

    event_id: str
    kind: str  # "succeeded" | "refunded" | "other"
    out_trade_no: str
    transaction_id: str = ""
    amount_fen: int = 0


class WalletError(Exception):
    """The wallet refused a request (with its message), or its answer did not verify."""


class WalletUnreachable(WalletError):
    """No answer (timeout, network): the outcome of the request is unknown."""


class NoticeRejected(Exception):
    """A notification whose signature, timestamp or content does not check out; nothing was recorded."""
