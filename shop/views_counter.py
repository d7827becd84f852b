"""The counter's store screens: ring up a sale (cash into the till, or WeChat Pay / Alipay by the till's QR
page, the order placed only once the wallet confirms) and print its receipt.

The sale screen works without script (rows of product selects). With script (shop/static/shop/
counter_sale.js) the operator finds goods by name or pinyin initials, sees merchant and stock, a running
total and the change due from the cash the resident hands over, before taking it.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from accounts.models import mainland_mobile
from agency.views_till_wallet import wallet_choices, wallet_page_url
from agency.visit_links import next_url, visit_context
from core.money import YuanField, format_yuan
from core.service_errors import errors_onto
from shop.models import CounterSale
from shop.selectors.counter import counter_sale_products
from shop.services.counter import MAX_QUANTITY, counter_sale_create
from shop.services.counter_wallet import counter_sale_wallet_start
from shop.visits import sale_to_visit
from stations.mixins import TillKeeperMixin
from stations.scope import get_in_scope, scope_for

ROWS = 8


class CounterSaleForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("Kind of sale"), choices=CounterSale.Mode.choices, widget=forms.RadioSelect,
                             initial=CounterSale.Mode.HAND_OVER)
    # Not required: a post without it (a page cached before wallets came, a script) is a cash sale, as before.
    payment_method = forms.ChoiceField(label=_("Paid by"), widget=forms.RadioSelect, initial=CounterSale.PaidBy.CASH,
                                       required=False,
                                       help_text=_("WeChat Pay or Alipay: a QR code for the resident to scan; the "
                                                   "goods are sold once the wallet confirms."))
    cash_received = YuanField(label=_("Cash received"), required=False, min_fen=0, help_text=_(
        "What the resident hands over; the change due is shown before you take it."))
    customer_name = forms.CharField(label=_("Customer's name"), required=False, max_length=60)
    phone = forms.CharField(label=_("Customer's mobile"), required=False, max_length=11, validators=[mainland_mobile],
                            help_text=_("Needed for an order to collect later: the pick-up code goes there."))

    def clean_payment_method(self) -> str:
        return self.cleaned_data["payment_method"] or CounterSale.PaidBy.CASH

    def __init__(self, *args, products, wallets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [(CounterSale.PaidBy.CASH, CounterSale.PaidBy.CASH.label),
                                                 *wallets]
        choices = [("", _("— product —"))] + [
            (p.pk, f"{p.title} · {p.merchant} · {format_yuan(p.price_fen)}") for p in products]
        for row in range(ROWS):
            self.fields[f"product_{row}"] = forms.TypedChoiceField(label=pgettext_lazy("store goods", "Product"), choices=choices, coerce=int,
                                                                   required=False, empty_value=None)
            self.fields[f"quantity_{row}"] = forms.IntegerField(label=_("Quantity"), min_value=1,
                                                                max_value=MAX_QUANTITY, required=False)

    def rows(self):
        return [(self[f"product_{row}"], self[f"quantity_{row}"]) for row in range(ROWS)]

    def items(self) -> list[tuple[int, int]]:
        data = self.cleaned_data
        return [(data[f"product_{row}"], data[f"quantity_{row}"] or 1) for row in range(ROWS)
                if data.get(f"product_{row}")]


@method_decorator(transaction.non_atomic_requests, name="dispatch")  # the wallet is asked outside any transaction
class CounterSaleCreateView(TillKeeperMixin, View):
    template_name = "shop/counter_sale_form.html"

    def get(self, request):
        products = counter_sale_products()
        return self._render(CounterSaleForm(initial={"idempotency_key": uuid.uuid4()}, products=products,
                                            wallets=wallet_choices(request.user)), products)

    def post(self, request):
        products = counter_sale_products()
        form = CounterSaleForm(request.POST, products=products, wallets=wallet_choices(request.user))
        if form.is_valid():
            data = form.cleaned_data
            if data["payment_method"] != CounterSale.PaidBy.CASH:
                return self._by_wallet(form, products)
            try:
                sale = counter_sale_create(user=request.user, idempotency_key=data["idempotency_key"],
                                           mode=data["mode"], items=form.items(), customer_name=data["customer_name"],
                                           phone=data["phone"], cash_received_fen=data["cash_received"])
            except ValidationError as error:
                errors_onto(form, error)
            else:
                if sale_to_visit(request, sale):  # inside a visit: back to it, one receipt at its end
                    return redirect(next_url(request, reverse("shop:counter-sale-receipt", args=[sale.pk])))
                return redirect("shop:counter-sale-receipt", pk=sale.pk)
        return self._render(form, products, status=422)

    def _by_wallet(self, form, products):
        """The wallet first: its QR page; the sale is placed once the wallet confirms (services/counter_wallet)."""
        data = form.cleaned_data
        if data["mode"] != CounterSale.Mode.HAND_OVER:
            form.add_error("payment_method", _("An order to collect later is paid at pick-up; choose cash here."))
            return self._render(form, products, status=422)
        try:
            payment = counter_sale_wallet_start(
                user=self.request.user, idempotency_key=data["idempotency_key"], wallet=data["payment_method"],
                items=form.items(), customer_name=data["customer_name"],
                done_url=reverse("shop:counter-sale-wallet-done", args=[data["idempotency_key"]]))
        except ValidationError as error:
            errors_onto(form, error)
            return self._render(form, products, status=422)
        return redirect(wallet_page_url(self.request, payment))

    def _render(self, form, products, status=200):
        station = scope_for(self.request.user).till_station
        return render(self.request, self.template_name, {
            "form": form, "station": station, "products": [p.as_json() for p in products],
            **visit_context(self.request)}, status=status)


class CounterSaleWalletDoneView(TillKeeperMixin, View):
    """The wallet's QR page comes back here (POST): the sale placed on the confirmed payment → its receipt (and
    the visit); none (closed, or refunded because stock or a price changed) → the sale screen, saying why."""

    http_method_names = ["post"]

    def post(self, request, key):
        station = scope_for(request.user).till_station
        sale = CounterSale.objects.filter(idempotency_key=key, station=station).select_related("order").first()
        if sale is None:
            messages.warning(request, _("Nothing was sold on that QR code. Ring the sale up again."))
            return redirect(next_url(request, reverse("shop:counter-sale-create")))
        if sale_to_visit(request, sale):
            return redirect(next_url(request, reverse("shop:counter-sale-receipt", args=[sale.pk])))
        return redirect("shop:counter-sale-receipt", pk=sale.pk)


def _sale(request, pk) -> CounterSale:
    station = scope_for(request.user).till_station
    return get_in_scope(CounterSale.objects.select_related("order", "station", "operator"), pk=pk, station=station)


def _sale_context(sale: CounterSale) -> dict:
    return {"sale": sale, "order": sale.order, "lines": sale.order.lines.all(), "station": sale.station}


class CounterSaleReceiptView(TillKeeperMixin, View):
    def get(self, request, pk):
        return render(request, "shop/counter_sale_receipt.html", _sale_context(_sale(request, pk)))


class CounterSaleReceiptPdfView(TillKeeperMixin, View):
    """The same slip as a PDF (core/pdf.py), for a printer the browser cannot reach or to keep."""

    def get(self, request, pk):
        from core.pdf import render_pdf

        sale = _sale(request, pk)
        html = render_to_string("shop/receipt_pdf.html", {**_sale_context(sale), "slip": "shop/_sale_slip.html"},
                                request=request)
        response = HttpResponse(render_pdf(html=html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sale-{sale.order.number}.pdf"'
        return response
