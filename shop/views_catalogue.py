"""A merchant's spreadsheet import of products (linked from their dashboard home)."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from core.forms import ImportUploadForm
from core.import_jobs import access_import_job_by_id, import_job_report
from core.views import ImportJobStatusView
from shop import product_io
from shop.services.catalogue import PRODUCT_IMPORT, product_import_submit
from stations.mixins import MerchantMixin


class ProductImportForm(ImportUploadForm):
    caps = product_io.CAPS


class MerchantProductImportView(MerchantMixin, PermissionRequiredMixin, View):
    """Upload a spreadsheet: it is imported in the background, and this page (?job=<id>) shows the
    progress, then every bad row or what was created and updated."""

    permission_required = "partner.dashboard_access"
    template_name = "shop/merchant_product_import.html"

    def get(self, request):
        context = {}
        if "job" in request.GET:
            job = access_import_job_by_id(user=request.user, job_id=request.GET["job"], kind=PRODUCT_IMPORT)
            context = {"job": job, "report": import_job_report(job),
                       "status_url": reverse("shop:merchant-product-import-job", args=[job.pk])}
        return self._render(ProductImportForm(), **context)

    def post(self, request):
        form = ProductImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=422)
        job = product_import_submit(user=request.user, upload=form.cleaned_data["file"],
                                    idempotency_key=form.cleaned_data["idempotency_key"])
        return HttpResponseRedirect(f"{reverse('shop:merchant-product-import')}?job={job.pk}")

    def _render(self, form, status=200, **context):
        return render(self.request, self.template_name, {"form": form, "columns": product_io.COLUMNS, **context},
                      status=status)


class MerchantImportJobStatusView(MerchantMixin, ImportJobStatusView):
    """The import's progress for its page: merchants only, as the page."""

    kind = PRODUCT_IMPORT
