"""The county's delivery-fee screen (/county/shop/delivery-fees/): every township of the admin's region
with its home-delivery fee, on or off, and who changed it. County admins change fees; township admins
see their own township's read-only (as on the member-merchant screens)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.money import yuan_plain
from shop.forms_delivery_fees import DeliveryFeeForm
from shop.selectors import delivery_fees as selectors
from shop.services.delivery_fees import delivery_fee_set
from stations.mixins import CountyStaffMixin


class CountyDeliveryFeeListView(CountyStaffMixin, TemplateView):
    template_name = "shop/county_delivery_fees.html"

    def get_context_data(self, **kwargs):
        pairs = [(township, selectors.delivery_fee_of(township))
                 for township in selectors.delivery_fee_township_list(user=self.request.user)]
        last_changes = selectors.delivery_fee_last_changes(fees=[fee for _township, fee in pairs if fee])
        rows = [{"township": township, "fee": fee, "last_change": last_changes.get(fee.pk) if fee else None}
                for township, fee in pairs]
        return super().get_context_data(rows=rows, can_change=selectors.can_change_delivery_fees(user=self.request.user),
                                        **kwargs)


class CountyDeliveryFeeEditView(CountyStaffMixin, TemplateView):
    """One township: its fee and history; the form for those who may change it (the service refuses
    anyone else: 403, nothing changed)."""

    template_name = "shop/county_delivery_fee_edit.html"

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        township = selectors.access_delivery_township_by_id(user=user, township_id=self.kwargs["township_id"])
        fee = selectors.delivery_fee_of(township)
        if form is None and selectors.can_change_delivery_fees(user=user):
            form = DeliveryFeeForm(initial={"fee": yuan_plain(fee.fee_fen) if fee else "",
                                            "active": fee.active if fee else True})
        return super().get_context_data(township=township, fee=fee, form=form,
                                        history=selectors.delivery_fee_history(fee=fee), **kwargs)

    def post(self, request, township_id):
        selectors.access_delivery_township_by_id(user=request.user, township_id=township_id)
        form = DeliveryFeeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _fee, changed = delivery_fee_set(user=request.user, township_id=township_id, fee_fen=data["fee"],
                                                 active=data["active"], reason=data["reason"])
            except ValidationError as error:
                form.add_error("fee", error.messages)
            else:
                messages.success(request, _("The delivery fee is saved; it applies to new orders.") if changed
                                 else _("Nothing changed."))
                return redirect("shop:county-delivery-fees")
        return render(request, self.template_name, self.get_context_data(form=form), status=422)
