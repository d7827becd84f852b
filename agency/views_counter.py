"""The till at the counter (/counter/till/ …): payments, results, receipts, float top-ups, the daily close
and the station's commission statements.

Only the station's operators get in (views_common.TillAccessMixin), and only to their station's rows:
another station's transaction or receipt is a 403. Views parse, check access, call one service or
selector, render.

Idempotency: every form that writes carries a key made when the form was first shown (uuid4). It
survives the confirmation page and a page shown again with errors, so a double click, a resend after
a network drop or the browser's Back-and-submit returns the first result instead of a second payment.

Payments call the provider between two short transactions of the service, so the views that submit
or resolve a payment are `transaction.non_atomic_requests` (ATOMIC_REQUESTS is on): no database
lock is held while the provider thinks.
"""

from __future__ import annotations

import uuid
from itertools import groupby

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
from agency.account_numbers import check_account_number, rule_of
from agency.forms import (
    CashCloseForm,
    PaymentForm,
    ReceiptPrintForm,
    ReverseForm,
    TopUpRequestForm,
    TransactionFilterForm,
)
from agency.models import CounterTransaction, DailyCashClose, Product, VisitErrand
from agency.providers import ProviderError, adapter_for
from agency.receipts import (
    PRINTABLE,
    mask_account,
    receipt_html,
    receipt_pdf,
    receipt_print_count,
    receipt_print_record,
)
from agency.views_common import FIELD_OF_SERVICE_KEY, TillAccessMixin, error_text
from agency.views_till_wallet import provider_wallet_redirect
from agency.visit_links import next_url, visit_context, visit_of
from core.audit import audit_events_for
from core.http import site_file_response
from core.money import format_yuan, yuan_plain
from core.service_errors import errors_onto
from stations.scope import scope_for

Status = CounterTransaction.Status
TRANSACTIONS_PAGE_SIZE = 30
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


# ---------------------------------------------------------------------------------------------
# 1. The till: today at a glance
# ---------------------------------------------------------------------------------------------

class TillView(TillAccessMixin, View):
    """Today's transactions, the floats (low ones flagged), cash expected, commission this month."""

    def get(self, request):
        summary = selectors.station_till_summary(station=self.station)
        pending_top_ups = selectors.float_top_up_request_list(
            user=request.user, station_id=self.station.pk, status="requested")
        return TemplateResponse(request, "agency/till.html", {
            "station": self.station, "summary": summary,
            "low_floats": [w for w in summary["floats"] if w.is_low],
            "pending_top_ups": list(pending_top_ups[:5]),
        })


# ---------------------------------------------------------------------------------------------
# 2. Paying: pick a product, fill in, confirm, result
# ---------------------------------------------------------------------------------------------

class ProductPickView(TillAccessMixin, View):
    """Step 1: the products, grouped by provider."""

    def get(self, request):
        products = list(selectors.product_list())
        groups = [(provider, list(items)) for provider, items in groupby(products, key=lambda p: p.provider)]
        return TemplateResponse(request, "agency/product_pick.html", {"station": self.station, "groups": groups,
                                                                      **visit_context(request)})


@non_atomic
class PaymentCreateView(TillAccessMixin, View):
    """Step 2–3: account, amount and method; the provider's lookup; confirm; pay.

    One URL, several buttons (the form's `step`): "lookup" asks the provider who holds the account
    and what is due; "review" checks everything and shows the confirmation page (with the lookup) —
    the operator reads the name and amount to the resident; "pay" submits; "edit" goes back to the form.
    """

    def get_product(self, product_id: int) -> Product:
        product = selectors.product_get(product_id=product_id)
        if not (product.is_active and product.provider.is_active):
            raise Http404(_("This product is not offered at the moment."))
        return product

    def methods(self, product: Product) -> tuple[str, ...]:
        if product.direction == Product.Direction.PAYOUT:
            return (CounterTransaction.PaymentMethod.CASH,)
        return services.till_methods()

    def make_form(self, product, data=None, initial=None) -> PaymentForm:
        return PaymentForm(data, initial=initial, product=product, methods=self.methods(product))

    def render_form(self, product, form, *, lookup=None, status: int = 200):
        return TemplateResponse(self.request, "agency/payment_form.html", {
            "station": self.station, "product": product, "form": form, "lookup": lookup,
            "floats": {w.float_group: w for w in selectors.station_floats(station=self.station)},
            **visit_context(self.request),
        }, status=status)

    def get(self, request, product_id):
        product = self.get_product(product_id)
        return self.render_form(product, self.make_form(product, initial={"idempotency_key": uuid.uuid4()}))

    def post(self, request, product_id):
        product = self.get_product(product_id)
        form = self.make_form(product, request.POST)
        if not form.is_valid():
            return self.render_form(product, form, status=400)
        step = form.step_name
        if step == "edit":
            return self.render_form(product, form)  # bound and valid: shows what was typed, no errors
        if step == "lookup":
            return self.lookup(product, form)
        try:
            number = services.check_payment(product=product, account_number=form.cleaned_data["account_number"],
                                            amount_fen=form.cleaned_data["amount"],
                                            payment_method=form.cleaned_data["payment_method"])
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_form(product, form, status=400)
        if step == "review":
            return self.review(product, form, number)
        return self.pay(product, form, number)

    def ask_provider(self, product, number):
        """(lookup, error message): the provider's answer about the account, if it can look up."""
        if not product.lookup_supported:
            return None, ""
        try:
            return adapter_for(product.provider).lookup(product=product, account_number=number), ""
        except ProviderError as error:
            return None, str(error)

    def lookup(self, product, form):
        try:
            number = check_account_number(form.cleaned_data["account_number"], rule_of(product))
        except ValidationError as error:
            form.add_error("account_number", error)
            return self.render_form(product, form, status=400)
        found, problem = self.ask_provider(product, number)
        if problem:
            form.add_error("account_number", problem)
            return self.render_form(product, form, status=400)
        initial = {**form.raw(), "account_number": number, "customer_name": found.customer_name if found else ""}
        if found and found.amount_due_fen and not form.cleaned_data.get("amount"):
            initial["amount"] = str(found.amount_due_fen) if product.amount_choices_fen else yuan_plain(found.amount_due_fen)
        return self.render_form(product, self.make_form(product, initial=initial), lookup=found)

    def review(self, product, form, number):
        found, problem = self.ask_provider(product, number)
        if problem:
            form.add_error("account_number", problem)
            return self.render_form(product, form, status=400)
        raw = {**form.raw(), "account_number": number, "customer_name": found.customer_name if found else ""}
        data = form.cleaned_data
        return TemplateResponse(self.request, "agency/payment_confirm.html", {
            "station": self.station, "product": product, "raw": raw, "lookup": found,
            "amount_fen": data["amount"], "fee_fen": product.customer_fee_fen,
            "total_fen": data["amount"] + product.customer_fee_fen,
            "method_label": CounterTransaction.PaymentMethod(data["payment_method"]).label,
            "is_card": data["payment_method"] == CounterTransaction.PaymentMethod.CARD,
            "due_differs": bool(found and found.amount_due_fen and found.amount_due_fen != data["amount"]),
            "is_payout": product.direction == Product.Direction.PAYOUT, **visit_context(self.request),
        })

    def pay(self, product, form, number):
        data = form.cleaned_data
        try:
            if services.is_wallet(data["payment_method"]):  # the QR first; the provider once the wallet confirms
                return provider_wallet_redirect(self.request, station=self.station, product=product, number=number,
                                                data=data)
            tx = services.counter_payment_submit(
                actor=self.request.user, station=self.station, product=product, account_number=number,
                amount_fen=data["amount"], idempotency_key=data["idempotency_key"],
                payment_method=data["payment_method"], customer_name=data.get("customer_name") or "")
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_form(product, form, status=400)
        detail = reverse("agency:transaction-detail", args=[tx.pk])
        visit = visit_of(self.request)
        if visit is None or tx.status != CounterTransaction.Status.SUCCEEDED or product.direction != \
                Product.Direction.COLLECT:
            return HttpResponseRedirect(detail)  # one the provider has not confirmed yet joins no visit
        try:
            services.visit_errand_add(actor=self.request.user, visit=visit, kind=VisitErrand.Kind.BILL,
                                      reference=tx.reference, label=f"{product.name} {mask_account(tx)}",
                                      idempotency_key=data["idempotency_key"], counter_transaction=tx)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(detail)
        return HttpResponseRedirect(next_url(self.request, detail))


# ---------------------------------------------------------------------------------------------
# 3. Transactions: the list, one result, status query, reversal
# ---------------------------------------------------------------------------------------------

class TransactionListView(TillAccessMixin, ListView):
    """The station's transactions by day and status (default: today)."""

    template_name = "agency/transaction_list.html"
    context_object_name = "transactions"
    paginate_by = TRANSACTIONS_PAGE_SIZE

    def get_filter_form(self) -> TransactionFilterForm:
        if not hasattr(self, "filter_form"):
            data = self.request.GET.copy()
            data.setdefault("on", timezone.localdate().isoformat())
            self.filter_form = TransactionFilterForm(data)
        return self.filter_form

    def get_queryset(self):
        filters = self.get_filter_form().filters()
        reference = filters.pop("reference", None)
        transactions = selectors.counter_transaction_list(user=self.request.user, station_id=self.station.pk,
                                                          **filters)
        return transactions.filter(reference=reference) if reference else transactions

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, filter_form=self.get_filter_form(), **kwargs)


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
# 4. Receipts
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


# ---------------------------------------------------------------------------------------------
# 5. Floats: the station's wallets and its top-up requests
# ---------------------------------------------------------------------------------------------

class FloatTopUpCreateView(TillAccessMixin, View):
    def render_page(self, form, status: int = 200):
        return TemplateResponse(self.request, "agency/counter_floats.html", {
            "station": self.station, "form": form, "floats": selectors.station_floats(station=self.station),
            "top_ups": list(selectors.float_top_up_request_list(user=self.request.user,
                                                                station_id=self.station.pk)[:30]),
        }, status=status)

    def get(self, request):
        initial = {"idempotency_key": uuid.uuid4(), "float_group": request.GET.get("group", "")}
        return self.render_page(TopUpRequestForm(initial=initial))

    def post(self, request):
        form = TopUpRequestForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            top_up = services.float_top_up_request(
                actor=request.user, station=self.station, float_group=data["float_group"], amount_fen=data["amount"],
                idempotency_key=data["idempotency_key"], bank_reference=data["bank_reference"], note=data["note"])
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_page(form, status=400)
        messages.success(request, _("Top-up request %(reference)s sent to the county.") % {"reference": top_up.reference})
        return HttpResponseRedirect(reverse("agency:counter-floats"))


# ---------------------------------------------------------------------------------------------
# 6. The daily cash close (日结)
# ---------------------------------------------------------------------------------------------

class CashCloseView(TillAccessMixin, View):
    """Expected cash from the ledger, the operator's count, a variance explained for the township admin."""

    def render_page(self, form, status: int = 200):
        today = selectors.daily_cash_close_for(station=self.station)
        can_close = today is None or today.status == DailyCashClose.Status.REJECTED
        return TemplateResponse(self.request, "agency/counter_close.html", {
            "station": self.station, "form": form if can_close else None, "today_close": today,
            "expected_fen": services.expected_cash_fen(self.station), "business_date": timezone.localdate(),
            "history": list(selectors.daily_cash_close_list(user=self.request.user,
                                                            station_id=self.station.pk)[:30]),
        }, status=status)

    def get(self, request):
        return self.render_page(CashCloseForm(initial={"idempotency_key": uuid.uuid4()}))

    def post(self, request):
        form = CashCloseForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            close = services.daily_cash_close_submit(actor=request.user, station=self.station,
                                                     counted_fen=data["counted"], explanation=data["explanation"],
                                                     idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_page(form, status=400)
        if close.status == DailyCashClose.Status.BALANCED:
            messages.success(request, _("The day is closed: the drawer matches the ledger."))
        else:
            messages.warning(request, _("The day is closed with a difference; the township admin will review it."))
        return HttpResponseRedirect(reverse("agency:counter-close"))


# ---------------------------------------------------------------------------------------------
# 7. The station's commission statements (read-only)
# ---------------------------------------------------------------------------------------------

class CounterStatementListView(TillAccessMixin, ListView):
    template_name = "agency/statement_list.html"
    context_object_name = "statements"
    paginate_by = 24

    def get_queryset(self):
        return selectors.commission_statement_list(user=self.request.user, station_id=self.station.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, workspace="counter", **kwargs)
