"""The till's wallet payments in the daily bill reconciliation (shop/services/reconciliation.py).

A wallet's bill lists the till's QR payments (agency.TillWalletPayment, out_trade_no CZT…) beside the
store's. A bill row that is not a store payment is looked up here: matched when the till holds it as paid
(or refunded) for the same amount; otherwise the same three kinds of mismatch, naming the station and the
till transaction instead of a store order. The till's payments the wallet confirmed on the bill's day
that the bill does not list are "missing in the bill".
"""

from __future__ import annotations

import datetime

from agency.models import TillWalletPayment
from agency.wallets.bills import BillRow

Paid = TillWalletPayment.Status
PAID_STATES = (Paid.PAID, Paid.REFUND_PENDING, Paid.REFUNDED)
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def till_payments(*, provider: str, out_trade_nos: list[str]) -> dict[str, TillWalletPayment]:
    rows = TillWalletPayment.objects.filter(wallet=provider, out_trade_no__in=out_trade_nos)
    return {p.out_trade_no: p for p in rows.select_related("station", "counter_transaction")}


def till_mismatch(kind: str, *, payment: TillWalletPayment, theirs: int | None, ours: int | None,
                  line: int | None = None, what: str = "payment") -> dict:
    tx = payment.counter_transaction
    return {"kind": kind, "what": what, "out_trade_no": payment.out_trade_no, "theirs_fen": theirs, "ours_fen": ours,
            "line": line, "payment_id": None, "order_number": "", "till_payment_id": payment.pk,
            "till_station": payment.station.name, "till_reference": tx.reference if tx else ""}


def till_compare(row: BillRow, payment: TillWalletPayment) -> dict | None:
    """None when the bill's payment row matches the till's; the mismatch otherwise."""
    if payment.status not in PAID_STATES:
        return till_mismatch("missing_ours", payment=payment, theirs=row.amount_fen, ours=None, line=row.line)
    if payment.amount_fen != row.amount_fen:
        return till_mismatch("amount_differs", payment=payment, theirs=row.amount_fen, ours=payment.amount_fen,
                             line=row.line)
    return None


def till_refund_compare(payment: TillWalletPayment, *, theirs: int, line: int) -> dict | None:
    ours = payment.amount_fen if payment.status == Paid.REFUNDED else 0
    if ours == theirs:
        return None
    return till_mismatch("amount_differs", payment=payment, theirs=theirs, ours=ours, line=line, what="refund")


def till_missing_in_bill(*, provider: str, bill_date: datetime.date, seen: set[str]) -> list[dict]:
    """The till's payments the wallet confirmed on the bill's day (China time) that the bill does not list."""
    start = datetime.datetime.combine(bill_date, datetime.time.min, tzinfo=CHINA)
    rows = (TillWalletPayment.objects.filter(wallet=provider, status__in=PAID_STATES, paid_at__gte=start,
                                             paid_at__lt=start + datetime.timedelta(days=1))
            .exclude(out_trade_no__in=seen).select_related("station", "counter_transaction"))
    return [till_mismatch("missing_theirs", payment=p, theirs=None, ours=p.amount_fen) for p in rows]
