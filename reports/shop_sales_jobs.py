"""The store sales report's background job (registered in reports.registry): the PDF with its
tables and charts, built from the same `ShopSalesReport` as the page.

The figures are computed when the job runs, under the asking user's scope at that moment (nothing if
they may no longer see commission figures, as for the commission report).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from reports.building import Progress, file_stamp, pdf_file
from reports.commission_jobs import commission_job_scope
from reports.models import ReportJob
from reports.shop_sales_report import sales_params_from_dict, shop_sales_report

STEP_SUMMING = gettext_noop("Adding up store sales")


def build_shop_sales(job: ReportJob, progress: Progress) -> tuple[bytes, str]:
    params = sales_params_from_dict(job.params["report"])
    progress(10, STEP_SUMMING)
    report = shop_sales_report(scope=commission_job_scope(job), params=params, with_stations=True,
                               filter_labels=job.params.get("filter_labels", []))
    pdf = pdf_file("reports/shop_sales_pdf.html", lambda: {
        "report": report, "tables": report.print_tables(), "headings": report.headings(),
        "trend_chart": report.trend_chart(), "share_chart": report.merchant_share_chart()}, progress)
    name = f"shop-sales-{params['date_from']:%Y%m%d}-{params['date_to']:%Y%m%d}"
    return pdf, f"{name}-{file_stamp()}.pdf"
