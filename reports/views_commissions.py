"""The commission reports under /county/reports/commissions/ and the store sales report under
/county/reports/shop-sales/ (with their background PDF jobs).

Who gets in: whoever may see commission statements (agency.view_commissionstatement: operators,
township and county admins) and whose report scope holds stations — a county admin sees their county,
a township admin their township, an operator their own station. Figures are read from agency's ledger;
nothing here writes to it. The only write is asking for a background job (a PDF, a large export).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.spreadsheets import FORMATS, spreadsheet_response
from reports.commission_forms import CommissionFilterForm, ShopSalesFilterForm
from reports.commission_report import CommissionReport, commission_report
from reports.models import ReportJob
from reports.selectors.choices import station_choices, township_choices
from reports.selectors.commissions import (
    CommissionFilters,
    commission_journal_list,
    commission_product_choices,
    commission_provider_choices,
    commission_statement_rows,
)
from reports.selectors.jobs import recent_report_jobs
from reports.selectors.scope import ReportScope, report_scope_for
from reports.selectors.shop_sales import merchant_choices
from reports.services import report_job_request
from reports.shop_sales_report import sales_params_as_dict, sales_values, shop_sales_report
from stations.models import Region
from stations.scope import scope_for

TRANSACTIONS_PAGE_SIZE = 50
COMMISSION_JOB_BUTTONS = [
    ("commissions:pdf", gettext_lazy("PDF report with charts")),
    ("commission_rows:xlsx", gettext_lazy("Every transaction (XLSX)")),
    ("commission_rows:csv", gettext_lazy("Every transaction (CSV)")),
]
SHOP_SALES_JOB_BUTTONS = [("shop_sales:pdf", gettext_lazy("PDF report with charts"))]


def require_commission_scope(user) -> ReportScope:
    if not scope_for(user).can_see_commissions:
        raise PermissionDenied(_("Commission reports are for station operators and township and county admins."))
    return report_scope_for(user=user)


def commission_form(data, scope: ReportScope) -> CommissionFilterForm:
    provider = data.get("provider") if data else None
    return CommissionFilterForm(
        data or None, townships=township_choices(scope=scope), stations=station_choices(scope=scope),
        providers=commission_provider_choices(),
        products=commission_product_choices(provider_id=int(provider) if provider and provider.isdigit() else None),
        today=timezone.localdate())


def build_report(form: CommissionFilterForm, scope: ReportScope) -> CommissionReport:
    return commission_report(scope=scope, params=form.params(), filter_labels=form.filter_labels(),
                             groups=tuple(value for value, _label in form.fields["group"].choices))


class CommissionReportView(LoginRequiredMixin, View):
    """Commission by township, station, provider, product or month, with the monthly trend, the share
    by product and the station ranking; `?format=csv|xlsx` downloads what the page shows."""

    template_name = "reports/commissions.html"

    def get(self, request):
        scope = require_commission_scope(request.user)
        form = commission_form(request.GET, scope)
        report = build_report(form, scope)
        fmt = request.GET.get("format")
        name = f"commissions-{report.params.date_from:%Y%m%d}-{report.params.date_to:%Y%m%d}"
        if fmt in FORMATS:
            return spreadsheet_response(report.sheets(), fmt=fmt, filename=name)
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, "rows": report.rows(), "headings": report.headings(),
            "money": report.money_columns(), "total_values": report.total_values(),
            "trend_chart": report.trend_chart(), "product_chart": report.product_chart(),
            "station_chart": report.station_chart(), "ranking": report.station_ranking(),
            "product_shares": report.product_shares(), "query": report.params.query(),
            "idempotency_key": uuid.uuid4(), "job_buttons": COMMISSION_JOB_BUTTONS,
            "jobs": recent_report_jobs(user=request.user), "regional": scope.is_regional,
        })


class CommissionTransactionListView(LoginRequiredMixin, View):
    """The bottom of the drill-down: the payments and reversals one by one, with the commission each
    earned or clawed back, and the monthly statements of the same stations and months."""

    template_name = "reports/commission_transactions.html"

    def get(self, request):
        scope = require_commission_scope(request.user)
        form = commission_form(request.GET, scope)
        params = form.params()
        township = (Region.objects.filter(pk=params.township, level=Region.Level.TOWNSHIP).first()
                    if params.township else None)
        filters = CommissionFilters(township=township, station_id=params.station, provider_id=params.provider,
                                    product_id=params.product)
        journals = commission_journal_list(scope=scope, period=params.period, filters=filters)
        page = Paginator(journals, TRANSACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
        statements = ([] if filters.by_product else
                      commission_statement_rows(scope=scope, period=params.period, filters=filters))
        return TemplateResponse(request, self.template_name, {
            "form": form, "params": params, "page_obj": page, "journals": page.object_list,
            "statements": statements, "filter_labels": form.filter_labels(), "regional": scope.is_regional,
            "back_query": (params.query(station=None, group="station") if scope.is_regional
                           else params.query(group=form.default_group)),
        })


class CommissionJobCreateView(LoginRequiredMixin, View):
    """POST: queue the commission PDF or the every-transaction export with the filters of the page."""

    def post(self, request):
        scope = require_commission_scope(request.user)
        kind, _sep, file_format = request.POST.get("job", "").partition(":")
        if kind not in (ReportJob.Kind.COMMISSIONS, ReportJob.Kind.COMMISSION_ROWS):
            return HttpResponse(_("This report is not available in that format."), status=400)
        query = request.POST.get("query", "")
        form = commission_form(QueryDict(query) if query else None, scope)
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            key = uuid.uuid4()
        params = {"report": form.params().as_dict(), "filter_labels": form.filter_labels(),
                  "groups": [value for value, _label in form.fields["group"].choices],
                  "language": request.LANGUAGE_CODE}
        try:
            job = report_job_request(user=request.user, kind=kind, file_format=file_format, params=params,
                                     idempotency_key=key)
        except ValidationError as error:
            return HttpResponse("; ".join(error.messages), status=400)
        return HttpResponseRedirect(reverse("reports:job-detail", args=[job.pk]))


def shop_sales_form(data, scope: ReportScope) -> ShopSalesFilterForm:
    """The sales filters, offering only the townships, stations and merchants of `scope`."""
    return ShopSalesFilterForm(data or None, townships=township_choices(scope=scope),
                               stations=station_choices(scope=scope), merchants=merchant_choices(scope=scope),
                               today=timezone.localdate())


def shop_sales_filter_labels(form: ShopSalesFilterForm, params: dict) -> list[str]:
    return [f"{form.fields[n].label}: {dict(form.fields[n].choices).get(params[n])}"
            for n in ("township", "station", "merchant") if params.get(n) and n in form.fields]


class ShopSalesReportView(LoginRequiredMixin, View):
    """Store sales and the stations' commission on them by merchant, station, township or month, with
    the monthly trend and the merchant ranking; `?format=csv|xlsx` downloads what the page shows, and
    the PDF with charts is prepared in the background (ShopSalesJobCreateView)."""

    template_name = "reports/shop_sales.html"

    def get(self, request):
        scope = require_commission_scope(request.user)
        form = shop_sales_form(request.GET, scope)
        params = form.params()
        labels = shop_sales_filter_labels(form, params)
        report = shop_sales_report(scope=scope, params=params, filter_labels=labels,
                                   groups=tuple(value for value, _label in form.fields["group"].choices))
        name = f"shop-sales-{params['date_from']:%Y%m%d}-{params['date_to']:%Y%m%d}"
        if (fmt := request.GET.get("format")) in FORMATS:
            return spreadsheet_response(report.sheets(), fmt=fmt, filename=name)
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, "rows": report.rows(), "headings": report.headings(),
            "total_values": sales_values(report.total), "trend_chart": report.trend_chart(),
            "merchant_chart": report.merchant_chart(), "query": report.query(), "regional": scope.is_regional,
            "idempotency_key": uuid.uuid4(), "job_buttons": SHOP_SALES_JOB_BUTTONS,
            "jobs": recent_report_jobs(user=request.user),
        })


class ShopSalesJobCreateView(LoginRequiredMixin, View):
    """POST: queue the store sales PDF with the filters of the page, under the same scope; a filter
    outside the user's scope is not offered by the form, so it is dropped as on the page."""

    def post(self, request):
        scope = require_commission_scope(request.user)
        kind, _sep, file_format = request.POST.get("job", "").partition(":")
        if kind != ReportJob.Kind.SHOP_SALES:
            return HttpResponse(_("This report is not available in that format."), status=400)
        query = request.POST.get("query", "")
        form = shop_sales_form(QueryDict(query) if query else None, scope)
        params = form.params()
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            key = uuid.uuid4()
        job_params = {"report": sales_params_as_dict(params), "language": request.LANGUAGE_CODE,
                      "filter_labels": shop_sales_filter_labels(form, params)}
        try:
            job = report_job_request(user=request.user, kind=kind, file_format=file_format, params=job_params,
                                     idempotency_key=key)
        except ValidationError as error:
            return HttpResponse("; ".join(error.messages), status=400)
        return HttpResponseRedirect(reverse("reports:job-detail", args=[job.pk]))
