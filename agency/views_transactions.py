"""The station's transactions at the till (/counter/till/transactions/ …): the list, one result, the
status query, the reversal, and the printed receipts.

Only the station's operators get in (views_common.TillAccessMixin), and only to their station's rows:
another station's transaction or receipt is a 403. Views parse, check access, call one service or
selector, render.

Resolving and reversing call the provider (or the card terminal) between two short transactions of the
service, so those views are `transaction.non_atomic_requests` (ATOMIC_REQUESTS is on): no database lock
is held while the provider thinks.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View

from agency import selectors, services
from agency.filters import TransactionFilter
from agency.forms import ReceiptPrintForm, ReverseForm
from agency.models import CounterTransaction, Product
from agency.receipts import (
    PRINTABLE,
    receipt_html,
    receipt_pdf,
    receipt_print_count,
    receipt_print_record,
)
from agency.views_common import FIELD_OF_SERVICE_KEY, TillAccessMixin, error_text
from core.audit import audit_events_for
from core.http import site_file_response
from core.money import format_yuan
from core.service_errors import errors_onto
from stations.scope import scope_for

Status = CounterTransaction.Status
TRANSACTIONS_PAGE_SIZE = 30
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


# ---------------------------------------------------------------------------------------------
# 1. Transactions: the list, one result, status query, reversal
# ---------------------------------------------------------------------------------------------

class TransactionListView(TillAccessMixin, ListView):
    """The station's transactions by day and status (default: today)."""

    template_name = "agency/transaction_list.html"
    context_object_name = "transactions"
    paginate_by = TRANSACTIONS_PAGE_SIZE

    def get_filter(self) -> TransactionFilter:
        if not hasattr(self, "search"):
            data = self.request.GET.copy()
            data.setdefault("on", timezone.localdate().isoformat())
            self.search = TransactionFilter(data, queryset=selectors.counter_transaction_list(
                user=self.request.user, station_id=self.station.pk))
        return self.search

    def get_queryset(self):
        return self.get_filter().qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, filter_form=self.get_filter().form, **kwargs)


class TransactionMixin(TillAccessMixin):
    def get_transaction(self, pk: int) -> CounterTransaction:
        return self.own(selectors.access_counter_transaction_by_id(user=self.request.user, transaction_id=pk))


EVENT_LABELS = {
    "agency.transaction.submit": gettext_lazy("Sent to the provider"),
    "agency.transaction.succeed": gettext_lazy("Confirmed by the provider"),
    "agency.transaction.fail": gettext_lazy("Declined"),
    "agency.transaction.unknown": gettext_lazy("No answer from the provider"),
    "agency.transaction.reverse": gettext_lazy("Reversed"),
    "agency.card.approved": gettext_lazy("Card charged"),
    "agency.card.declined": gettext_lazy("Card declined"),
    "agency.card.unknown": gettext_lazy("No answer from the card reader"),
    "agency.card.refund": gettext_lazy("Refunded to the card"),
    "agency.card.refund_failed": gettext_lazy("Card refund not confirmed"),
    "agency.receipt.print": gettext_lazy("Receipt printed"),
}


def transaction_page_context(request, tx: CounterTransaction, *, reverse_form=None) -> dict:
    """What the result page shows about `tx` (used again when the reversal form comes back)."""
    deadline = services.reversal_deadline(tx) if tx.status == Status.SUCCEEDED else None
    may_reverse = bool(deadline and timezone.now() <= deadline and scope_for(request.user).can_reverse_at(tx.station))
    return {
        "tx": tx, "reversal_deadline": deadline, "may_reverse": may_reverse,
        "reverse_form": reverse_form or ReverseForm(),
        "printable": tx.status in PRINTABLE, "print_count": receipt_print_count(tx),
        "print_key": uuid.uuid4(), "print_form": ReceiptPrintForm(),
        "awaiting_provider": tx.status in (Status.UNKNOWN, Status.PENDING),
        "card_owes_refund": tx.card_owes_refund,
        "events": [{"at": e.at, "actor": e.actor, "label": EVENT_LABELS.get(e.action, e.action), "data": e.data}
                   for e in audit_events_for(tx)[:20]],
    }


class TransactionDetailView(TransactionMixin, View):
    """The result: succeeded / failed with the reason / unknown with a "check status" button."""

    def get(self, request, pk):
        tx = self.get_transaction(pk)
        return TemplateResponse(request, "agency/transaction_detail.html",
                                {"station": self.station, **transaction_page_context(request, tx)})


@non_atomic
class TransactionResolveView(TransactionMixin, View):
    """Ask the provider what became of an unknown payment."""

    http_method_names = ["post"]

    def post(self, request, pk):
        tx = self.get_transaction(pk)
        card_was_owed = tx.card_owes_refund
        tx = services.counter_transaction_resolve(actor=request.user, counter_transaction=tx)
        if card_was_owed or tx.card_owes_refund:
            card_message(request, tx)
        elif tx.status == Status.SUCCEEDED:
            messages.success(request, _("The provider confirms the payment went through."))
        elif tx.status == Status.FAILED:
            messages.warning(request, _("The provider says the payment did not go through: give the money back."))
        else:
            messages.info(request, _("The provider still cannot say. Try again in a few minutes."))
        return HttpResponseRedirect(reverse("agency:transaction-detail", args=[tx.pk]))


@non_atomic
class TransactionReverseView(TransactionMixin, View):
    """Undo a succeeded payment within its window, with a reason (a card is refunded after the
    reversal commits, with no database lock held while the terminal answers)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        tx = self.get_transaction(pk)
        form = ReverseForm(request.POST)
        if form.is_valid():
            try:
                tx = services.counter_transaction_reverse(actor=request.user, counter_transaction=tx,
                                                          reason=form.cleaned_data["reason"])
            except ValidationError as error:
                errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            else:
                messages.success(request, reversal_message(tx))
                return HttpResponseRedirect(reverse("agency:transaction-detail", args=[tx.pk]))
        tx.refresh_from_db()
        return TemplateResponse(request, "agency/transaction_detail.html", {
            "station": self.station, **transaction_page_context(request, tx, reverse_form=form)}, status=400)


def card_message(request, tx: CounterTransaction) -> None:
    """Where the money taken from the card stands, after a check."""
    card = CounterTransaction.CardStatus
    if tx.card_status == card.REFUNDED:
        messages.success(request, _("The card was refunded %(amount)s.") % {"amount": format_yuan(tx.total_fen)})
    elif tx.card_status == card.DECLINED:
        messages.success(request, _("The card terminal confirms the card was not charged."))
    else:
        messages.warning(request, _("The card terminal has not confirmed the refund yet. It is tried again "
                                    "automatically; check again in a few minutes."))


def reversal_message(tx: CounterTransaction) -> str:
    """What the operator must do with the money now."""
    if tx.product_id and tx.product.direction == Product.Direction.PAYOUT:
        return _("Reversed. Take %(amount)s back from the resident.") % {"amount": format_yuan(tx.amount_fen - tx.fee_fen)}
    if tx.payment_method == CounterTransaction.PaymentMethod.CARD:
        if tx.card_status != CounterTransaction.CardStatus.REFUNDED:
            return _("Reversed. The refund of %(amount)s to the resident's card is not confirmed yet; it is tried "
                     "again automatically.") % {"amount": format_yuan(tx.total_fen)}
        return _("Reversed. %(amount)s goes back to the resident's card.") % {"amount": format_yuan(tx.total_fen)}
    if services.is_wallet(tx.payment_method):
        return _("Reversed. %(amount)s goes back to the resident's %(wallet)s.") % {
            "amount": format_yuan(tx.total_fen), "wallet": tx.get_payment_method_display()}
    return _("Reversed. Give the resident %(amount)s back in cash.") % {"amount": format_yuan(tx.total_fen)}


# ---------------------------------------------------------------------------------------------
# 2. Receipts
# ---------------------------------------------------------------------------------------------

class ReceiptPrintView(TransactionMixin, View):
    """Record a printed copy, then show it (HTML for the printer, or the PDF)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        tx = self.get_transaction(pk)
        form = ReceiptPrintForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the printer width and print again."))
            return HttpResponseRedirect(reverse("agency:transaction-detail", args=[tx.pk]))
        data = form.cleaned_data
        try:
            copy = receipt_print_record(actor=request.user, counter_transaction=tx, width=data["width"],
                                        idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(reverse("agency:transaction-detail", args=[tx.pk]))
        name = "agency:receipt-pdf" if data["format"] == "pdf" else "agency:receipt"
        return HttpResponseRedirect(f"{reverse(name, args=[tx.pk, copy])}?width={data['width']}")


class ReceiptMixin(TransactionMixin):
    def get_copy(self, tx: CounterTransaction, copy: int) -> int:
        """Only copies that were recorded can be shown: a slip is never printed unrecorded."""
        if tx.status not in PRINTABLE or not 1 <= copy <= receipt_print_count(tx):
            raise Http404(_("This copy of the receipt was not printed."))
        return copy


class ReceiptView(ReceiptMixin, View):
    """The slip as its own page: the print dialog prints only the slip, at the roll's width."""

    def get(self, request, pk, copy):
        tx = self.get_transaction(pk)
        html = receipt_html(tx=tx, copy=self.get_copy(tx, copy), width=request.GET.get("width"), request=request)
        response = HttpResponse(html)
        patch_cache_control(response, private=True, no_store=True)
        return response


class ReceiptPdfView(ReceiptMixin, View):
    def get(self, request, pk, copy):
        tx = self.get_transaction(pk)
        pdf = receipt_pdf(tx=tx, copy=self.get_copy(tx, copy), width=request.GET.get("width"))
        return site_file_response(pdf, filename=f"receipt-{tx.reference}-{copy}.pdf", content_type="application/pdf",
                                  inline=True)
