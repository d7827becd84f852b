"""WeChat Pay and Alipay for the store, behind the same provider interface as Stripe (base.py).

A payment starts as a QR order at the wallet (WeChat Pay native, Alipay precreate): its external_id is our
out_trade_no, its client_secret the QR's content. The order counts as paid when the wallet's signed
notification arrives (shop:wallet-notify), never on the browser's word; `intent_status` asks the wallet
(query) — a wallet that does not answer is "pending", never "succeeded". The protocol clients, with the
kept libraries, are agency.wallets.wechat and agency.wallets.alipay; in simulator mode they talk to the
simulator by the same code path.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agency.wallets import (
    ALIPAY,
    WECHAT,
    NoticeRejected,
    WalletError,
    WalletNotice,
    alipay,
    wallet_mode,
    wechat,
)
from shop.payments.base import ProviderEvent, ProviderStart, WebhookRejected

# A query's state → what the checkout reads (intent_status).
_STATES = {"paid": "succeeded", "refunded": "succeeded", "closed": "declined", "pending": "pending",
           "unknown": "pending"}


def notify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("shop:wallet-notify", args=[code])


def out_trade_no(payment_id: int) -> str:
    """Unique at the wallet across databases and demo resets: the payment's id and a random tail (≤ 32)."""
    return f"CZS{payment_id}X{secrets.token_hex(5).upper()}"


def _event(notice: WalletNotice) -> ProviderEvent:
    return ProviderEvent(event_id=notice.event_id, kind=notice.kind, external_id=notice.out_trade_no,
                         amount_fen=notice.amount_fen, raw_type=f"wallet.{notice.kind}")


class _WalletProvider:
    settles_on_handover = False
    is_wallet = True
    wallet = ""

    @property
    def is_simulator(self) -> bool:
        return wallet_mode(self.wallet) == "simulator"

    def is_available(self) -> bool:
        return bool(wallet_mode(self.wallet))

    def intent_status(self, *, external_id: str) -> str | None:
        return _STATES[self._client.query(out_trade_no=external_id).status]

    def confirmed_event(self, *, external_id: str) -> ProviderEvent | None:
        """When a notification is late or lost: the wallet's own (signed, verified) answer to a query, as
        the event it stands for — only when it says paid; None for pending, closed or no answer."""
        state = self._client.query(out_trade_no=external_id)
        if state.status != "paid" or not state.transaction_id:
            return None
        return ProviderEvent(event_id=f"query:{state.transaction_id}", kind="succeeded", external_id=external_id,
                             amount_fen=state.amount_fen, raw_type="wallet.query_paid")

    def start(self, *, payment_id: int, order_number: str, amount_fen: int) -> ProviderStart:
        """A QR order at the wallet (WeChat Pay native, Alipay precreate)."""
        order = self._qr_order(out_trade_no=out_trade_no(payment_id), amount_fen=amount_fen,
                               title=f"村站商城订单 {order_number}", notify_url=notify_url(self.code))
        return ProviderStart(external_id=order.out_trade_no, client_secret=order.code_url)

    def _qr_order(self, *, title: str, **order):
        raise NotImplementedError

    def cancel(self, *, external_id: str) -> None:
        self._client.close(out_trade_no=external_id)

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent:
        raise WebhookRejected("wallets notify through shop:wallet-notify")

    def parse_notice(self, *, meta: dict, body: bytes) -> ProviderEvent:
        raise NotImplementedError


class WechatPayProvider(_WalletProvider):
    code = "wechat"
    wallet = WECHAT
    label = _("WeChat Pay")
    _client = wechat

    def _qr_order(self, *, title: str, **order):
        return wechat.native(description=title, **order)

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        total = wechat.query(out_trade_no=external_id)
        if total.status not in ("paid", "refunded"):
            raise WalletError(f"cannot refund an order that is {total.status}")
        return wechat.refund(out_trade_no=external_id, out_refund_no=f"{external_id}-{reference}",
                             refund_fen=amount_fen, total_fen=total.amount_fen)

    def parse_notice(self, *, meta: dict, body: bytes) -> ProviderEvent:
        try:
            return _event(wechat.notice(headers=meta, body=body))
        except (NoticeRejected, WalletError) as error:
            raise WebhookRejected(str(error)) from error


class AlipayProvider(_WalletProvider):
    code = "alipay"
    wallet = ALIPAY
    label = _("Alipay")
    _client = alipay

    def _qr_order(self, *, title: str, **order):
        return alipay.precreate(subject=title, **order)

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        return alipay.refund(out_trade_no=external_id, out_request_no=f"{external_id}-{reference}",
                             refund_fen=amount_fen)

    def parse_notice(self, *, meta: dict, body: bytes) -> ProviderEvent:
        from urllib.parse import parse_qsl

        try:
            form = dict(parse_qsl(body.decode(), keep_blank_values=True))
            return _event(alipay.notice(form=form))
        except (NoticeRejected, WalletError, UnicodeDecodeError) as error:
            raise WebhookRejected(str(error)) from error
