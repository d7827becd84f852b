"""WeChat Pay and Alipay as a way to pay the till: which wallets are offered, the check every till
service makes before it records a payment as paid by a wallet, and the refund to the wallet of a payment
that did not stand. The order's life at the wallet (QR, query, close, notification) is till_wallets.py;
this module is what the payment services themselves need, so that they do not import it.

A till service records a payment "paid by WeChat Pay" only under the idempotency key of a wallet payment
the wallet has confirmed, for the same total: no form, resend or other app can post wallet money the
wallet never took. Money taken for a till transaction that failed or was reversed goes back to the
wallet, once (one refund number per payment); a refund the wallet does not confirm stays
`refund_pending` and the sweep (till_wallets.till_wallets_sweep) asks again.
"""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agency.models import CounterTransaction, TillWalletPayment
from agency.wallets import ALIPAY, WECHAT, WalletError, alipay, wallet_mode, wechat
from core.audit import audit_event_record

logger = logging.getLogger(__name__)
Method = CounterTransaction.PaymentMethod
Paid = TillWalletPayment.Status
WALLET_METHODS = (Method.WECHAT, Method.ALIPAY)


def wallet_methods() -> tuple[str, ...]:
    """The wallets the till offers now: each one with live credentials or, in the demo, its simulator."""
    return tuple(method for method, wallet in ((Method.WECHAT, WECHAT), (Method.ALIPAY, ALIPAY))
                 if wallet_mode(wallet))


def is_wallet(method: str) -> bool:
    return method in WALLET_METHODS


def wallet_paid_check(*, key: uuid.UUID, method: str, total_fen: int) -> TillWalletPayment:
    """The confirmed wallet payment a till service may record under `key`; refused otherwise."""
    payment = TillWalletPayment.objects.filter(idempotency_key=key).first()
    if payment is None or payment.wallet != method or payment.status != Paid.PAID:
        raise ValidationError({"payment_method": ValidationError(
            _("The wallet has not confirmed this payment; nothing was recorded."), code="wallet_not_paid")})
    if payment.amount_fen != total_fen:
        raise ValidationError({"amount_fen": ValidationError(
            _("The wallet took %(paid)s fen, not %(due)s fen; nothing was recorded.")
            % {"paid": payment.amount_fen, "due": total_fen}, code="wallet_amount_differs")})
    return payment


def wallet_refund(payment: TillWalletPayment, *, actor, reason: str) -> TillWalletPayment:
    """Give a paid wallet payment back in full, once. Called with no database lock held (the wallet may
    take seconds); the refund number is fixed, so a second call never refunds twice at the wallet."""
    if payment.status not in (Paid.PAID, Paid.REFUND_PENDING):
        return payment
    refund_no = f"{payment.out_trade_no}R"
    try:
        if payment.wallet == WECHAT:
            refund_id = wechat.refund(out_trade_no=payment.out_trade_no, out_refund_no=refund_no,
                                      refund_fen=payment.amount_fen, total_fen=payment.amount_fen)
        else:
            refund_id = alipay.refund(out_trade_no=payment.out_trade_no, out_request_no=refund_no,
                                      refund_fen=payment.amount_fen)
        outcome = ""
    except WalletError as error:
        refund_id, outcome = "", str(error)[:200]
    with transaction.atomic():
        payment = TillWalletPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Paid.REFUNDED:
            return payment
        if refund_id:
            payment.status, payment.refund_id, payment.message = Paid.REFUNDED, refund_id[:100], reason[:200]
        else:
            payment.status, payment.message = Paid.REFUND_PENDING, outcome
        payment.save(update_fields=["status", "refund_id", "message"])
        audit_event_record(actor=actor, action="agency.wallet.refund" if refund_id else "agency.wallet.refund_failed",
                           target=payment, data={"amount_fen": payment.amount_fen, "reason": reason[:200],
                                                 "refund_id": payment.refund_id, "message": outcome})
    return payment


def wallet_follow_up(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """A till transaction paid by a wallet that failed or was reversed: its money goes back to the wallet."""
    if not is_wallet(tx.payment_method) or tx.status not in (tx.Status.FAILED, tx.Status.REVERSED):
        return tx
    payment = TillWalletPayment.objects.filter(idempotency_key=tx.idempotency_key).first()
    if payment is not None:
        reason = tx.reversal_reason or tx.failure_reason or _("The till payment did not stand.")
        wallet_refund(payment, actor=actor, reason=reason)
    return tx
