"""The counter's store screens: ring up a sale (cash into the till) and print its receipt."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import mainland_mobile
from agency.visit_links import next_url, visit_context
from core.money import fen_from_decimal, format_yuan
from shop.models import CounterSale
from shop.selectors.catalogue import product_browse_list
from shop.services.counter import MAX_QUANTITY, counter_sale_create
from shop.visits import sale_to_visit
from stations.mixins import TillKeeperMixin
from stations.scope import scope_for

ROWS = 5


class CounterSaleForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("Kind of sale"), choices=CounterSale.Mode.choices, widget=forms.RadioSelect,
                             initial=CounterSale.Mode.HAND_OVER)
    customer_name = forms.CharField(label=_("Customer's name"), required=False, max_length=60)
    phone = forms.CharField(label=_("Customer's mobile"), required=False, max_length=11, validators=[mainland_mobile],
                            help_text=_("Needed for an order to collect later: the pick-up code goes there."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— product —"))] + [
            (p.pk, f"{p.title} · {format_yuan(fen_from_decimal(p.stockrecords.all()[0].price))}") for p in product_browse_list()
            if p.stockrecords.all()]
        for row in range(ROWS):
            self.fields[f"product_{row}"] = forms.TypedChoiceField(label=_("Product"), choices=choices, coerce=int,
                                                                   required=False, empty_value=None)
            self.fields[f"quantity_{row}"] = forms.IntegerField(label=_("Quantity"), min_value=1,
                                                                max_value=MAX_QUANTITY, required=False)

    def rows(self):
        return [(self[f"product_{row}"], self[f"quantity_{row}"]) for row in range(ROWS)]

    def items(self) -> list[tuple[int, int]]:
        data = self.cleaned_data
        return [(data[f"product_{row}"], data[f"quantity_{row}"] or 1) for row in range(ROWS)
                if data.get(f"product_{row}")]


class CounterSaleCreateView(TillKeeperMixin, View):
    template_name = "shop/counter_sale_form.html"

    def get(self, request):
        return self._render(CounterSaleForm(initial={"idempotency_key": uuid.uuid4()}))

    def post(self, request):
        form = CounterSaleForm(request.POST)
        if form.is_valid():
            try:
                sale = counter_sale_create(user=request.user, idempotency_key=form.cleaned_data["idempotency_key"],
                                           mode=form.cleaned_data["mode"], items=form.items(),
                                           customer_name=form.cleaned_data["customer_name"],
                                           phone=form.cleaned_data["phone"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if sale_to_visit(request, sale):  # inside a visit: back to it, one receipt at its end
                    return redirect(next_url(request, reverse("shop:counter-sale-receipt", args=[sale.pk])))
                return redirect("shop:counter-sale-receipt", pk=sale.pk)
        return self._render(form, status=422)

    def _render(self, form, status=200):
        station = scope_for(self.request.user).till_station
        return render(self.request, self.template_name, {"form": form, "station": station,
                                                         **visit_context(self.request)}, status=status)


class CounterSaleReceiptView(TillKeeperMixin, View):
    def get(self, request, pk):
        station = scope_for(request.user).till_station
        sale = get_object_or_404(CounterSale.objects.select_related("order", "station", "operator"), pk=pk,
                                 station=station)
        return render(request, "shop/counter_sale_receipt.html",
                      {"sale": sale, "order": sale.order, "lines": sale.order.lines.all()})
