"""The commission reports under /county/reports/commissions/ and the store sales report under
/county/reports/shop-sales/ (their background files are queued by reports.views.ReportJobCreateView).

Who gets in (reports.registry: `commission_report_scope`): whoever may see commission statements —
operators, township and county admins; a county admin sees their county, a township admin their
township, an operator their own station. Figures are read from agency's ledger; nothing here writes.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views import View

from reports.commission_forms import CommissionFilterForm, shop_sales_filter_labels
from reports.commission_report import CommissionReport, commission_report
from reports.page import ReportPageView, group_values
from reports.registry import COMMISSIONS, SHOP_SALES
from reports.selectors.commission_dimensions import CommissionFilters
from reports.selectors.commissions import commission_journal_list, commission_statement_rows
from reports.selectors.scope import ReportScope
from reports.shop_sales_report import sales_values, shop_sales_report
from stations.models import Region

TRANSACTIONS_PAGE_SIZE = 50


class CommissionReportView(LoginRequiredMixin, ReportPageView):
    """Commission by township, station, provider, product or month, with the monthly trend, the share
    by product and the station ranking; `?format=csv|xlsx` downloads what the page shows."""

    definition = COMMISSIONS
    template_name = "reports/commissions.html"

    def build(self, form: CommissionFilterForm, scope: ReportScope) -> CommissionReport:
        return commission_report(scope=scope, params=form.params(), filter_labels=form.filter_labels(),
                                 groups=group_values(form))

    def filename(self, report: CommissionReport) -> str:
        return f"commissions-{report.params.date_from:%Y%m%d}-{report.params.date_to:%Y%m%d}"

    def page_context(self, report: CommissionReport) -> dict:
        return {
            "rows": report.rows(), "headings": report.headings(), "money": report.money_columns(),
            "total_values": report.total_values(), "trend_chart": report.trend_chart(),
            "product_chart": report.product_chart(), "station_chart": report.station_chart(),
            "ranking": report.station_ranking(), "product_shares": report.product_shares(),
            "query": report.params.query(),
        }


class CommissionTransactionListView(LoginRequiredMixin, View):
    """The bottom of the drill-down: the payments and reversals one by one, with the commission each
    earned or clawed back, and the monthly statements of the same stations and months."""

    template_name = "reports/commission_transactions.html"

    def get(self, request):
        scope = COMMISSIONS.scope(user=request.user)
        form = COMMISSIONS.form(request.GET, scope=scope)
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


class ShopSalesReportView(LoginRequiredMixin, ReportPageView):
    """Store sales and the stations' commission on them by merchant, station, township or month, with
    the monthly trend and the merchant ranking; `?format=csv|xlsx` downloads what the page shows, and
    the PDF with charts is prepared in the background (reports.views.ReportJobCreateView)."""

    definition = SHOP_SALES
    template_name = "reports/shop_sales.html"

    def build(self, form, scope: ReportScope):
        params = form.params()
        return shop_sales_report(scope=scope, params=params, filter_labels=shop_sales_filter_labels(form, params),
                                 groups=group_values(form))

    def filename(self, report) -> str:
        return f"shop-sales-{report.params['date_from']:%Y%m%d}-{report.params['date_to']:%Y%m%d}"

    def page_context(self, report) -> dict:
        return {
            "rows": report.rows(), "headings": report.headings(), "total_values": sales_values(report.total),
            "trend_chart": report.trend_chart(), "merchant_chart": report.merchant_chart(), "query": report.query(),
        }
