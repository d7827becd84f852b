"""A merchant's spreadsheet import of products (a tab of their workspace, /merchant/)."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.forms import ImportUploadForm
from core.import_views import ImportPageMixin
from core.views import ImportJobStatusView
from shop import product_io
from shop.services.catalogue import PRODUCT_IMPORT, product_import_submit
from stations.mixins import MerchantMixin


class ProductImportForm(ImportUploadForm):
    caps = product_io.CAPS


class MerchantProductImportView(MerchantMixin, PermissionRequiredMixin, ImportPageMixin, View):
    """Upload a spreadsheet: it is imported in the background, and this page (?job=<id>) shows the
    progress, then every bad row or what was created and updated."""

    permission_required = "partner.dashboard_access"
    template_name = "shop/merchant_product_import.html"
    kind = PRODUCT_IMPORT

    def job_status_url(self, job) -> str:
        return reverse("shop:merchant-product-import-job", args=[job.pk])

    def get(self, request):
        return self._render(ProductImportForm())

    def post(self, request):
        form = ProductImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=422)
        return self.to_job(product_import_submit(user=request.user, upload=form.cleaned_data["file"],
                                                 idempotency_key=form.cleaned_data["idempotency_key"]))

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {
            "form": form, "columns": product_io.COLUMNS, "title": _("Import products"),
            "done_url": reverse("shop:merchant-products"), "done_label": _("See your products"),
            **self.job_context()}, status=status)


class MerchantImportJobStatusView(MerchantMixin, ImportJobStatusView):
    """The import's progress for its page: merchants only, as the page."""

    kind = PRODUCT_IMPORT
