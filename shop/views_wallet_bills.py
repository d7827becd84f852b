"""Reconciling WeChat Pay and Alipay bills (/county/payments/bills/): import a day's bill (a file, or fetched
from the wallet), follow the comparison's progress, read the mismatches. County admins (their county's
imports) and the platform's administrator."""

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.service_errors import errors_onto
from shop.models import WalletBillImport
from shop.selectors.wallet_bills import access_wallet_bill_by_id, wallet_bills_for
from shop.services.reconciliation import MAX_BILL_BYTES, wallet_bill_import_create
from stations.mixins import CountyAdminMixin


class WalletBillForm(forms.Form):
    provider = forms.ChoiceField(label=_("Wallet"), choices=WalletBillImport.Provider.choices)
    bill_date = forms.DateField(label=_("Bill date"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Bill file"), required=False,
                           help_text=_("WeChat Pay: the trade bill CSV. Alipay: the business bill zip or CSV. "
                                       "Leave it empty to fetch the day's bill from the wallet."))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_BILL_BYTES:
            raise ValidationError(_("The file is larger than 20 MB; a daily bill never is."))
        return upload

    def clean_bill_date(self):
        day = self.cleaned_data["bill_date"]
        if day >= timezone.localdate():
            raise ValidationError(_("A day's bill exists from the next morning: choose a day before today."))
        return day


class WalletBillListView(CountyAdminMixin, View):
    template_name = "shop/county_wallet_bills.html"

    def get(self, request):
        yesterday = timezone.localdate() - timedelta(days=1)
        form = WalletBillForm(initial={"provider": "wechat", "bill_date": yesterday, "idempotency_key": uuid.uuid4()})
        return self._render(form)

    def post(self, request):
        form = WalletBillForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("file")
            try:
                bill = wallet_bill_import_create(
                    actor=request.user, idempotency_key=data["idempotency_key"], provider=data["provider"],
                    bill_date=data["bill_date"], content=upload.read() if upload else None,
                    file_name=upload.name if upload else "")
            except ValidationError as error:
                errors_onto(form, error)
            else:
                return redirect("shop:county-wallet-bill-detail", pk=bill.pk)
        return self._render(form, status=422)

    def _render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"form": form, "bills": wallet_bills_for(user=self.request.user)[:50]}, status=status)


class WalletBillDetailView(CountyAdminMixin, View):
    template_name = "shop/county_wallet_bill_detail.html"

    def get(self, request, pk):
        bill = access_wallet_bill_by_id(user=request.user, bill_id=pk)
        return render(request, self.template_name, {"bill": bill, "running": bill.status in (
            WalletBillImport.Status.QUEUED, WalletBillImport.Status.RUNNING)})
