"""Moving order parts: the merchant from their order pages (/merchant/orders/), the operator at the counter's parcel shelf."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from shop import order_flow, services
from shop.models import OrderPart
from shop.selectors import orders as selectors
from stations.mixins import MerchantMixin, TillKeeperMixin


class ParcelShelfMixin(TillKeeperMixin):
    """The station's parcel shelf is its operators' work, like the till (a liaison hands nothing over)."""

    refusal = gettext_lazy("Parcels are received and handed over by the operators of a station.")


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=OrderPart.Status.choices)
    note = forms.CharField(required=False, max_length=300)


class HandOverForm(forms.Form):
    code = forms.RegexField(label=gettext_lazy("Pick-up code"), regex=r"^\s*\d{6}\s*$", error_messages={
        "invalid": gettext_lazy("The pick-up code has 6 digits.")})


def _move(request, pk: int) -> OrderPart:
    """Parse, check access, call the service; errors become messages (the caller redirects)."""
    part = selectors.access_order_part_by_id(user=request.user, part_id=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid next step."))
        return part
    try:
        part = services.order_part_move(user=request.user, part_id=part.pk, to_status=form.cleaned_data["to_status"],
                                        note=form.cleaned_data["note"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(ref)s is now “%(status)s”.") % {"ref": part.reference,
                                                                        "status": part.get_status_display()})
    return part


class MerchantPartMoveView(MerchantMixin, View):
    """A merchant confirms, sends, delivers, cancels or refunds their part of an order."""

    def post(self, request, pk):
        part = _move(request, pk)
        if request.POST.get("next") == "list":
            return redirect("shop:merchant-orders")
        return redirect("shop:merchant-order-detail", pk=part.pk)


class CounterParcelListView(ParcelShelfMixin, TemplateView):
    """The station's parcel shelf: arriving, waiting for pick-up (hand over against the code), done."""

    template_name = "shop/counter_parcels.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.station_parcels(user=self.request.user),
                                        hand_over_form=HandOverForm(), labels=order_flow.ACTION_LABELS, **kwargs)


class CounterParcelMoveView(ParcelShelfMixin, View):
    """Received at the station (the SMS with the code goes out), or returned."""

    def post(self, request, pk):
        _move(request, pk)
        return redirect("shop:counter-parcels")


class CounterParcelHandOverView(ParcelShelfMixin, View):
    def post(self, request, pk):
        part = selectors.access_order_part_by_id(user=request.user, part_id=pk)
        form = HandOverForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["code"][0])
            return redirect("shop:counter-parcels")
        try:
            services.order_part_hand_over(user=request.user, part_id=part.pk, code=form.cleaned_data["code"].strip())
        except ValidationError as error:
            messages.error(request, _("%(ref)s: %(error)s") % {"ref": part.reference, "error": error.messages[0]})
        else:
            messages.success(request, _("%(ref)s handed over.") % {"ref": part.reference})
        return redirect("shop:counter-parcels")


class CounterParcelCodeResendView(ParcelShelfMixin, View):
    def post(self, request, pk):
        part = selectors.access_order_part_by_id(user=request.user, part_id=pk)
        try:
            services.order_part_code_resend(user=request.user, part_id=part.pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("A new pick-up code was sent to the resident."))
        return redirect("shop:counter-parcels")
