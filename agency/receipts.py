"""Receipts of counter transactions: one printable slip for 58 mm and 80 mm thermal rolls, and its PDF.

Every print is recorded (an AuditEvent "agency.receipt.print" on the transaction, with the copy
number), so the second and later copies say "重打 · REPRINT" and which copy they are: a resident
who shows two slips for one payment can be told at once which is the original. Recording is
idempotent on the print form's key (a double click prints one copy). The slip itself is the same
HTML for the browser's print dialog and for the PDF (core.pdf.render_pdf); the roll width sets the
@page size and the type size.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agency.models import CounterTransaction, Product
from agency.services.access import require_operator_or_admin
from core.audit import audit_event_record
from core.masking import mask_bank_card, mask_id_number
from core.models import AuditEvent

PRINT_ACTION = "agency.receipt.print"
PRINTABLE = frozenset({CounterTransaction.Status.SUCCEEDED, CounterTransaction.Status.REVERSED})


@dataclass(frozen=True)
class RollWidth:
    """A thermal roll: paper width, printable page for the PDF (height fits a long slip), base type size."""

    mm: int
    page_height_mm: int
    font_pt: float


WIDTHS = {"58": RollWidth(58, 230, 7.5), "80": RollWidth(80, 200, 9.0)}
DEFAULT_WIDTH = "80"


def width_of(value: str | None) -> RollWidth:
    return WIDTHS.get(value or "", WIDTHS[DEFAULT_WIDTH])


def _print_events(tx: CounterTransaction):
    return AuditEvent.objects.filter(action=PRINT_ACTION, target_type=ContentType.objects.get_for_model(tx),
                                     target_id=str(tx.pk)).order_by("pk")


def receipt_print_count(tx: CounterTransaction) -> int:
    return _print_events(tx).count()


def receipt_print_record(*, actor, counter_transaction: CounterTransaction, width: str,
                         idempotency_key: uuid.UUID) -> int:
    """Record one printed copy of the receipt; returns its copy number (1 = the original).

    A resend with the same key returns the copy it recorded. Only succeeded or reversed
    transactions have a receipt.
    """
    tx = counter_transaction
    require_operator_or_admin(actor, tx.station)
    if tx.status not in PRINTABLE:
        raise ValidationError(_("Only a completed transaction has a receipt."), code="not_printable")
    key = str(idempotency_key)
    with transaction.atomic():
        # One print at a time per transaction, so copy numbers follow the order of printing.
        CounterTransaction.objects.select_for_update().filter(pk=tx.pk).first()
        events = list(_print_events(tx).values_list("data", flat=True))
        for copy, data in enumerate(events, start=1):
            if data.get("key") == key:
                return copy
        copy = len(events) + 1
        audit_event_record(actor=actor, action=PRINT_ACTION, target=tx,
                           data={"key": key, "copy": copy, "width": width_of(width).mm})
    return copy


def first_printed_at(tx: CounterTransaction):
    event = _print_events(tx).first()
    return event.at if event else None


def mask_account(tx: CounterTransaction) -> str:
    """How pages and slips show an account number, by core/masking.py's policy: bank cards as
    6217 **** **** 1234 and resident ID numbers (pension accounts) as 130225********031X; utility and
    phone numbers in full (the resident checks them on the slip)."""
    number = tx.account_number
    if not tx.product_id or len(number) < 10:
        return number
    if tx.product.account_check_digit == Product.CheckDigit.LUHN:
        return mask_bank_card(number)
    if tx.product.kind == Product.Kind.PENSION:
        return mask_id_number(number)
    return number


CARD_BRANDS = {"unionpay": gettext_lazy("UnionPay"), "visa": "Visa", "mastercard": "Mastercard", "amex": "American Express",
               "jcb": "JCB", "discover": "Discover", "diners": "Diners Club"}


def paid_by(tx: CounterTransaction) -> str:
    """How the resident paid, as pages and slips say it: "Card •••• 1234 (UnionPay)" for a charged card."""
    if tx.payment_method != CounterTransaction.PaymentMethod.CARD or not tx.card_last4:
        return str(tx.get_payment_method_display())
    text = _("Card •••• %(last4)s") % {"last4": tx.card_last4}
    brand = CARD_BRANDS.get(tx.card_brand, tx.card_brand.title())
    return f"{text} ({brand})" if brand else text


def receipt_context(*, tx: CounterTransaction, copy: int, width: str, for_pdf: bool = False) -> dict:
    roll = width_of(width)
    return {
        "tx": tx, "station": tx.station, "copy": copy, "reprint": copy > 1, "roll": roll,
        "width": str(roll.mm), "for_pdf": for_pdf, "account_display": mask_account(tx), "paid_by": paid_by(tx),
        "first_printed_at": first_printed_at(tx) if copy > 1 else None,
        "printed_at": timezone.localtime(), "is_payout": bool(tx.product_id and
                                                                tx.product.direction == Product.Direction.PAYOUT),
    }


def receipt_html(*, tx: CounterTransaction, copy: int, width: str, request=None, for_pdf: bool = False) -> str:
    return render_to_string("agency/receipt.html", receipt_context(tx=tx, copy=copy, width=width, for_pdf=for_pdf),
                            request=request)


def receipt_pdf(*, tx: CounterTransaction, copy: int, width: str) -> bytes:
    """The slip as PDF, the page as wide as the roll. Small (one page, a few fonts' glyphs): rendered
    in the request, ~0.2 s warm."""
    from core.pdf import render_pdf

    return render_pdf(html=receipt_html(tx=tx, copy=copy, width=width, for_pdf=True))
