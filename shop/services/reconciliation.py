"""Reconciling a wallet's daily bill (WeChat Pay trade bill, Alipay business bill) with our payments.

An import is created with the file (uploaded, or fetched from the wallet's bill API) and compared in a
Celery task, in chunks, with its progress saved as it goes (rows_done / rows_total). The report lists
every mismatch:
* missing_ours   — the wallet took money we have no paid payment for (a lost notification not yet queried,
                   or not ours at all);
* missing_theirs — we hold a payment as paid on that day that the bill does not list;
* amount_differs — both have it, for different amounts (payments, and refunds per order).
The till's QR payments (WeChat Pay / Alipay at a station's counter) are in the same bills and are compared
the same way (reconciliation_till.py); their mismatches name the station and the till transaction.
Nothing is changed by the comparison: it reports; people decide (a missing notification is recovered by
opening the order's pay page, which queries the wallet). Every import leaves audit events.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency.wallets import WalletError, alipay, wechat
from agency.wallets.bills import PARSERS, BillRow, BillUnreadable
from core.audit import audit_event_record
from core.idempotency import create_once
from shop.models import Payment, Refund, WalletBillImport
from shop.services.reconciliation_till import (
    till_compare,
    till_missing_in_bill,
    till_payments,
    till_refund_compare,
)
from stations.models import Region
from stations.scope import scope_for

logger = logging.getLogger(__name__)
CHUNK = 200
MAX_BILL_BYTES = 20 * 1024 * 1024


def _county_of(actor: User) -> Region | None:
    scope = scope_for(actor)
    if not scope.is_county_admin:
        raise PermissionDenied(_("Only county admins may import wallet bills."))
    path = scope.county_path
    return Region.objects.filter(path=path).first() if path else None


def wallet_bill_download(*, provider: str, bill_date: datetime.date) -> bytes:
    """The day's bill from the wallet's bill API (the simulator's in the demo)."""
    day = bill_date.isoformat()
    try:
        return wechat.trade_bill(bill_date=day) if provider == "wechat" else alipay.bill(bill_date=day)
    except WalletError as error:
        raise ValidationError(_("The bill could not be fetched from the wallet: %(reason)s")
                              % {"reason": str(error)[:200]}) from error


def wallet_bill_import_create(*, actor: User, idempotency_key: uuid.UUID, provider: str,
                              bill_date: datetime.date, content: bytes | None = None,
                              file_name: str = "", queue: bool = True) -> WalletBillImport:
    """Keep the bill and queue its comparison. `content` None: fetched from the wallet. A resend of the same
    form returns the first import."""
    county = _county_of(actor)
    if provider not in WalletBillImport.Provider.values:
        raise ValidationError({"provider": [_("Choose WeChat Pay or Alipay.")]})
    existing = WalletBillImport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if content is None:
        content, file_name = wallet_bill_download(provider=provider, bill_date=bill_date), _("fetched from the wallet")
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(content) > MAX_BILL_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB; a daily bill never is.")]})
    with transaction.atomic():
        bill, created = create_once(WalletBillImport, key={"idempotency_key": idempotency_key}, build=lambda: WalletBillImport(
            provider=provider, bill_date=bill_date, county=county, file_name=file_name[:200], content=content,
            created_by=actor))
        if created:
            audit_event_record(actor=actor, action="shop.wallet_bill.import", target=bill,
                               data={"provider": provider, "bill_date": bill_date.isoformat(), "bytes": len(content)})
            if queue:  # (the command compares at once, in its own process)
                transaction.on_commit(lambda: _queue(bill.pk))
    return bill


def _queue(bill_id: int) -> None:
    from shop.tasks import wallet_bill_reconcile

    wallet_bill_reconcile.delay(bill_id)


def _mismatch(kind: str, *, out_trade_no: str, theirs: int | None, ours: int | None, line: int | None = None,
              payment: Payment | None = None, what: str = "payment") -> dict:
    return {"kind": kind, "what": what, "out_trade_no": out_trade_no, "theirs_fen": theirs, "ours_fen": ours,
            "line": line, "payment_id": payment.pk if payment else None,
            "order_number": payment.order.number if payment and payment.order_id else ""}


def wallet_bill_reconcile_run(*, bill_id: int, progress=None) -> WalletBillImport:
    """Compare one import (the task's body). A second delivery of a finished import does nothing."""
    with transaction.atomic():
        bill = WalletBillImport.objects.select_for_update().get(pk=bill_id)
        if bill.status in (WalletBillImport.Status.DONE, WalletBillImport.Status.FAILED):
            return bill
        bill.status = WalletBillImport.Status.RUNNING
        bill.save(update_fields=["status"])
    try:
        rows = PARSERS[bill.provider](bytes(bill.content))
    except BillUnreadable as error:
        return _finish(bill, error=str(error))
    bill.rows_total, bill.rows_done = len(rows), 0
    bill.save(update_fields=["rows_total", "rows_done"])
    payments = [r for r in rows if r.kind == "payment"]
    refunds: dict[str, int] = defaultdict(int)
    refund_lines: dict[str, int] = {}
    for row in rows:
        if row.kind == "refund":
            refunds[row.out_trade_no] += row.amount_fen
            refund_lines.setdefault(row.out_trade_no, row.line)
    mismatches: list[dict] = []
    matched = 0
    seen: set[str] = set()
    for start in range(0, len(payments), CHUNK):
        chunk: list[BillRow] = payments[start:start + CHUNK]
        numbers = [r.out_trade_no for r in chunk]
        ours = {p.external_id: p for p in Payment.objects.filter(
            provider=bill.provider, external_id__in=numbers).select_related("order")}
        till = till_payments(provider=bill.provider, out_trade_nos=numbers)
        for row in chunk:
            seen.add(row.out_trade_no)
            payment = ours.get(row.out_trade_no)
            if payment is None and row.out_trade_no in till:  # a QR payment at a station's till
                found = till_compare(row, till[row.out_trade_no])
                mismatches += [found] if found else []
                matched += 0 if found else 1
            elif payment is None or payment.status not in (Payment.Status.PAID, Payment.Status.REFUNDED):
                mismatches.append(_mismatch("missing_ours", out_trade_no=row.out_trade_no, theirs=row.amount_fen,
                                            ours=None, line=row.line, payment=payment))
            elif payment.amount_fen != row.amount_fen:
                mismatches.append(_mismatch("amount_differs", out_trade_no=row.out_trade_no, theirs=row.amount_fen,
                                            ours=payment.amount_fen, line=row.line, payment=payment))
            else:
                matched += 1
        done = min(start + CHUNK, len(payments))
        WalletBillImport.objects.filter(pk=bill.pk).update(rows_done=done)
        if progress is not None:
            progress(done, len(rows))
    mismatches += _refund_mismatches(bill, refunds, refund_lines)
    mismatches += [_mismatch("missing_theirs", out_trade_no=p.external_id, theirs=None, ours=p.amount_fen, payment=p)
                   for p in _ours_of_day(bill).exclude(external_id__in=seen).select_related("order")]
    mismatches += till_missing_in_bill(provider=bill.provider, bill_date=bill.bill_date, seen=seen)
    return _finish(bill, matched=matched, mismatches=mismatches)


def _refund_mismatches(bill: WalletBillImport, refunds: dict[str, int], lines: dict[str, int]) -> list[dict]:
    found = []
    payments = {p.external_id: p for p in Payment.objects.filter(provider=bill.provider,
                                                                 external_id__in=list(refunds)).select_related("order")}
    parts = dict(Refund.objects.filter(payment__in=payments.values()).values("payment_id")
                 .annotate(total=Sum("amount_fen")).values_list("payment_id", "total"))
    till = till_payments(provider=bill.provider, out_trade_nos=[n for n in refunds if n not in payments])
    for out_trade_no, theirs in refunds.items():
        payment = payments.get(out_trade_no)
        if payment is None and out_trade_no in till:
            found.extend(filter(None, [till_refund_compare(till[out_trade_no], theirs=theirs, line=lines[out_trade_no])]))
            continue
        if payment is None:
            found.append(_mismatch("missing_ours", out_trade_no=out_trade_no, theirs=theirs, ours=None,
                                   line=lines[out_trade_no], what="refund"))
            continue
        ours = parts.get(payment.pk, 0) + (payment.amount_fen if payment.status == Payment.Status.REFUNDED else 0)
        if ours != theirs:
            found.append(_mismatch("amount_differs", out_trade_no=out_trade_no, theirs=theirs, ours=ours,
                                   line=lines[out_trade_no], payment=payment, what="refund"))
    return found


def _ours_of_day(bill: WalletBillImport):
    """Our payments the wallet confirmed on the bill's day (China time, as the bills are). A counter sale's
    payment under the till's QR order (CZT…) is the till's to report (till_missing_in_bill)."""
    china = datetime.timezone(datetime.timedelta(hours=8))
    start = datetime.datetime.combine(bill.bill_date, datetime.time.min, tzinfo=china)
    return Payment.objects.filter(provider=bill.provider, status__in=[Payment.Status.PAID, Payment.Status.REFUNDED],
                                  paid_at__gte=start, paid_at__lt=start + datetime.timedelta(days=1)
                                  ).exclude(external_id__startswith="CZT")


def _finish(bill: WalletBillImport, *, matched: int = 0, mismatches: list[dict] | None = None,
            error: str = "") -> WalletBillImport:
    mismatches = mismatches or []
    counts = {kind: sum(1 for m in mismatches if m["kind"] == kind)
              for kind in ("missing_ours", "missing_theirs", "amount_differs")}
    bill.refresh_from_db()
    bill.status = WalletBillImport.Status.FAILED if error else WalletBillImport.Status.DONE
    bill.error, bill.matched, bill.mismatches, bill.finished_at = error, matched, mismatches, timezone.now()
    bill.missing_ours, bill.missing_theirs, bill.amount_differs = (counts["missing_ours"], counts["missing_theirs"],
                                                                   counts["amount_differs"])
    if not error:
        bill.rows_done = bill.rows_total
    bill.save()
    audit_event_record(actor=None, action="shop.wallet_bill.compared" if not error else "shop.wallet_bill.failed",
                       target=bill, data={"matched": matched, **counts, "error": error[:200]})
    return bill
