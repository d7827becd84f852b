"""The commission report's background jobs (registered in reports.registry): the PDF with its
charts, the workbook or CSV of the page, and every transaction one row each, with progress.

The figures are computed when the job runs, under the asking user's scope at that moment.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.money import yuan_decimal
from core.spreadsheets import Sheet, write_sheets
from reports.building import Progress, file_stamp, report_job_file
from reports.commission_report import CommissionParams, commission_report
from reports.models import ReportJob
from reports.selectors.commission_dimensions import CommissionFilters
from reports.selectors.commissions import commission_journal_list
from reports.selectors.scope import ReportScope, report_scope_for
from stations.models import Region
from stations.scope import scope_for

STEP_SUMMING = gettext_noop("Adding up commission")
STEP_ROWS = gettext_noop("Writing transactions")

ROW_HEADERS = [
    gettext_noop("Posted at"), gettext_noop("Reference"), gettext_noop("Entry"), gettext_noop("Station"),
    gettext_noop("Provider"), gettext_noop("Product"), gettext_noop("Amount (yuan)"),
    gettext_noop("Commission (yuan)"), gettext_noop("Operator share (yuan)"), gettext_noop("Tax withheld (yuan)"),
]


def commission_job_scope(job: ReportJob) -> ReportScope:
    """The asker's scope now; nothing if they may no longer see commission figures."""
    user = job.user
    if not (user.is_active and scope_for(user).can_see_commissions):
        return ReportScope()
    return report_scope_for(user=user)


def build_commissions(job: ReportJob, progress: Progress) -> tuple[bytes, str]:
    params = CommissionParams.from_dict(job.params["report"])
    progress(10, STEP_SUMMING)
    report = commission_report(scope=commission_job_scope(job), params=params, filter_labels=job.params.get("filter_labels", []),
                               groups=tuple(job.params.get("groups") or ()) or None)
    return report_job_file(
        job, progress, stem=f"commissions-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}", sheets=report.sheets(),
        pdf_template="reports/commissions_pdf.html", pdf_context=lambda: {
            "report": report, "rows": report.rows(), "headings": report.headings(),
            "money": report.money_columns(), "total_values": report.total_values(),
            "trend_chart": report.trend_chart(), "product_chart": report.product_chart(),
            "station_chart": report.station_chart(), "ranking": report.station_ranking()})


def build_commission_rows(job: ReportJob, progress: Progress) -> tuple[bytes, str]:
    params = CommissionParams.from_dict(job.params["report"])
    township = (Region.objects.filter(pk=params.township, level=Region.Level.TOWNSHIP).first()
                if params.township else None)
    filters = CommissionFilters(township=township, station_id=params.station, provider_id=params.provider,
                                product_id=params.product)
    journals = commission_journal_list(scope=commission_job_scope(job), period=params.period, filters=filters)
    total = journals.count()
    progress(5, STEP_ROWS)
    sheet = Sheet(title=_("Commission transactions"), headers=[_(h) for h in ROW_HEADERS],
                  widths=[17, 18, 10, 20, 16, 20, 12, 12, 12, 12], rows=_rows(journals, total, progress))
    content = write_sheets(sheet, job.file_format)
    name = f"commission-transactions-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}-{file_stamp()}"
    return content, f"{name}.{job.file_format}"


def journal_row(journal) -> list:
    """One journal as the export's row (signed: a reversal's amounts are negative)."""
    tx = journal.counter_transaction
    sign = -1 if journal.kind == journal.Kind.REVERSAL else 1
    product = tx.product
    return [journal.posted_at, tx.reference, journal.get_kind_display(), journal.station.name if journal.station else "",
            product.provider.name if product else _("Store (member merchants)"),
            product.name if product else _("Store order commission"),
            yuan_decimal(sign * tx.amount_fen) if tx.kind == tx.Kind.PROVIDER else None,
            yuan_decimal(journal.commission_fen or 0), yuan_decimal(journal.operator_fen or 0), yuan_decimal(journal.tax_fen or 0)]


def _rows(journals, total: int, progress: Progress):
    """Streamed; progress every 2,000 rows from 5 % to 95 %."""
    for n, journal in enumerate(journals.iterator(chunk_size=2000), start=1):
        yield journal_row(journal)
        if n % 2000 == 0:
            progress(5 + 90 * n // max(total, 1), STEP_ROWS)
