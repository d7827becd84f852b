"""A merchant's spreadsheet import of products (linked from their dashboard home)."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from shop import product_io
from shop.services.catalogue import product_import


class ProductImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class MerchantProductImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "partner.dashboard_access"
    template_name = "shop/merchant_product_import.html"

    def get(self, request):
        return self._render(ProductImportForm())

    def post(self, request):
        form = ProductImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=422)
        upload = form.cleaned_data["file"]
        try:
            outcome = product_import(user=request.user, data=upload.read(product_io.MAX_FILE_BYTES + 1),
                                     filename=upload.name)
        except product_io.ProductFileError as error:
            form.add_error("file", str(error))
            return self._render(form, status=422)
        return self._render(ProductImportForm(), outcome=outcome, filename=upload.name,
                            status=200 if outcome.parsed.ok else 422)

    def _render(self, form, status=200, **context):
        headers = {key: header for key, header, _aliases in product_io.COLUMNS}
        return render(self.request, self.template_name,
                      {"form": form, "columns": product_io.COLUMNS, "required": product_io.REQUIRED,
                       "headers": headers, **context}, status=status)
