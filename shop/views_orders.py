"""Moving order parts: the merchant from their order pages (/merchant/orders/), the operator at the counter's parcel shelf."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from agency.visit_links import next_url
from shop import order_flow, services
from shop.models import OrderPart
from shop.selectors import counter
from shop.selectors import orders as selectors
from shop.services.orders import MAX_PICKUP_FAILURES
from shop.services.parcels import parcel_code_miss_record
from shop.visits import parcel_to_visit
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


class FindForm(forms.Form):
    find = forms.CharField(label=gettext_lazy("Pick-up code or the resident's mobile"), max_length=20)


class CounterParcelListView(ParcelShelfMixin, TemplateView):
    """The station's parcel shelf: find a parcel by code or phone, arriving, waiting (hand over against the
    code, with what is due in cash shown first), done; and the wrong codes counted today."""

    template_name = "shop/counter_parcels.html"

    def get_context_data(self, **kwargs):
        shelf = selectors.station_parcels(user=self.request.user)
        for part in shelf["waiting"]:
            part.cash_due_fen = counter.cash_due_fen(part)
        return super().get_context_data(**shelf, find_form=kwargs.pop("find_form", FindForm()),
                                        code_misses=counter.code_misses_today(station=shelf["station"]),
                                        max_failures=MAX_PICKUP_FAILURES,
                                        labels=order_flow.ACTION_LABELS, **kwargs)


class CounterParcelFindView(CounterParcelListView):
    """Find parcels by pick-up code or mobile (POST: a code that matches nothing is counted)."""

    def get(self, request, *args, **kwargs):
        return redirect("shop:counter-parcels")

    def post(self, request):
        form = FindForm(request.POST)
        how, found = "", []
        if form.is_valid():
            how, found = counter.parcel_find(user=request.user, text=form.cleaned_data["find"])
            if not how:
                form.add_error("find", _("Type the 6-digit pick-up code or the 11-digit mobile number."))
            elif how == "code" and not found:
                parcel_code_miss_record(user=request.user)
                form.add_error("find", _("No parcel waits here with this code. Wrong codes are counted."))
        for part in found:
            part.cash_due_fen = counter.cash_due_fen(part)
        status = 200 if found else 422
        return self.render_to_response(self.get_context_data(find_form=form, found=found, found_by=how,
                                                             searched=True), status=status)


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
            return redirect(next_url(request, reverse("shop:counter-parcels")))
        try:
            part = services.order_part_hand_over(user=request.user, part_id=part.pk,
                                                 code=form.cleaned_data["code"].strip())
        except ValidationError as error:
            part.refresh_from_db(fields=["pickup_failures"])
            messages.error(request, _("%(ref)s: %(error)s (wrong codes: %(n)d of %(max)d)") % {
                "ref": part.reference, "error": error.messages[0], "n": part.pickup_failures,
                "max": MAX_PICKUP_FAILURES})
            return redirect(next_url(request, reverse("shop:counter-parcels")))
        messages.success(request, _("%(ref)s handed over.") % {"ref": part.reference})
        parcel_to_visit(request, part)  # inside a visit: one of its errands, and back to it (one receipt at its end)
        return redirect(next_url(request, reverse("shop:counter-parcel-receipt", args=[part.pk])))


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


class CounterParcelReceiptView(ParcelShelfMixin, View):
    """The hand-over slip: the goods, what was taken in cash, the till reference."""

    def get(self, request, pk):
        context = counter.parcel_receipt(user=request.user, part_id=pk)
        if context["handed"] is None:
            raise Http404(_("This parcel has not been handed over."))
        return render(request, "shop/counter_parcel_receipt.html", context)


class CounterParcelReceiptPdfView(ParcelShelfMixin, View):
    def get(self, request, pk):
        from core.pdf import render_pdf

        context = counter.parcel_receipt(user=request.user, part_id=pk)
        if context["handed"] is None:
            raise Http404(_("This parcel has not been handed over."))
        html = render_to_string("shop/receipt_pdf.html", {**context, "slip": "shop/_parcel_slip.html"},
                                request=request)
        response = HttpResponse(render_pdf(html=html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="parcel-{context["part"].reference}.pdf"'
        return response
