"""Paying at the till (/counter/till/pay/ …): pick a product, fill in, the provider's lookup, confirm, pay.

Only the station's operators get in (views_common.TillAccessMixin). Views parse, check access, call one
service or selector, render.

Idempotency: the payment form carries a key made when the form was first shown (uuid4). It survives the
confirmation page and a page shown again with errors, so a double click, a resend after a network drop
or the browser's Back-and-submit returns the first result instead of a second payment.

Payments call the provider between two short transactions of the service, so the view that submits a
payment is `transaction.non_atomic_requests` (ATOMIC_REQUESTS is on): no database lock is held while
the provider thinks.
"""

from __future__ import annotations

import uuid
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import View

from agency import selectors, services
from agency.account_numbers import check_account_number, rule_of
from agency.forms import PaymentForm
from agency.models import CounterTransaction, Product, VisitErrand
from agency.providers import ProviderError, adapter_for
from agency.receipts import mask_account
from agency.views_common import FIELD_OF_SERVICE_KEY, TillAccessMixin
from agency.views_till_wallet import provider_wallet_redirect
from agency.visit_links import next_url, visit_context, visit_of
from core.money import yuan_plain
from core.service_errors import errors_onto

non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


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
