"""The government-service reports' background files (registered in reports.registry): the KPI PDF
with its charts, the KPI workbook or CSV, and every request one row each, with progress.

The figures are computed when the job runs, under the asking user's scope at that moment.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.spreadsheets import Sheet, write_sheets
from core.timeutil import local_date
from gov_services.models import ServiceItem, ServiceRequest
from gov_services.selectors.calendar import work_calendar
from reports.building import Progress, file_stamp, report_job_file
from reports.gov_report import GovKpiParams, gov_kpi_report
from reports.kpis import WorkingDayIndex
from reports.models import ReportJob
from reports.selectors.request_rows import iterate_rows, request_row_list, township_names, township_of
from reports.selectors.scope import report_scope_for
from stations.models import Region

STEP_COUNTING = gettext_noop("Counting requests")
STEP_ROWS = gettext_noop("Writing requests")


def build_gov_kpis(job: ReportJob, progress: Progress) -> tuple[bytes, str]:
    params = GovKpiParams.from_dict(job.params["report"])
    progress(10, STEP_COUNTING)
    report = gov_kpi_report(scope=report_scope_for(user=job.user), params=params,
                            filter_labels=job.params.get("filter_labels", []), link_requests=False)
    return report_job_file(
        job, progress, stem=f"kpis-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}", sheets=report.sheets(),
        pdf_template="reports/gov_kpis_pdf.html", pdf_context=lambda: {
            "report": report, "trend_chart": report.trend_chart(), "ranking_chart": report.ranking_chart(),
            "user": job.user})


REQUEST_ROW_HEADERS = [
    gettext_noop("Tracking code"), gettext_noop("Submitted at"), gettext_noop("Kind"), gettext_noop("Category"),
    gettext_noop("Service item or subject"), gettext_noop("Department"), gettext_noop("Township"),
    gettext_noop("Village"), gettext_noop("Station"), gettext_noop("Channel"), gettext_noop("Status"),
    gettext_noop("Accepted at"), gettext_noop("Due at"), gettext_noop("Completed at"),
    gettext_noop("Working days to complete"), gettext_noop("On time"), gettext_noop("Rating"),
]


def build_request_rows(job: ReportJob, progress: Progress) -> tuple[bytes, str]:
    params = GovKpiParams.from_dict(job.params["report"])
    township = Region.objects.filter(pk=params.township).first() if params.township else None
    rows = request_row_list(scope=report_scope_for(user=job.user), period=params.period,
                            department_id=params.department, township=township, station_id=params.station)
    total = rows.count()
    progress(5, STEP_ROWS)
    sheet = Sheet(title=_("Requests"), headers=[_(h) for h in REQUEST_ROW_HEADERS],
                  widths=[14, 17, 8, 12, 30, 20, 12, 12, 16, 10, 10, 17, 17, 17, 10, 8, 8],
                  rows=_request_rows(rows, total, params, progress))
    content = write_sheets(sheet, job.file_format)
    return content, f"requests-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}-{file_stamp()}.{job.file_format}"


def _request_rows(rows, total: int, params: GovKpiParams, progress: Progress):
    """The export's rows, streamed; progress every 2,000 rows from 5 % to 95 %."""
    names = township_names()
    index = WorkingDayIndex(work_calendar(), params.date_from, max(params.date_to, timezone.localdate()))
    labels = {**dict(ServiceRequest.Kind.choices), **dict(ServiceRequest.Status.choices),
              **dict(ServiceRequest.Channel.choices), **dict(ServiceItem.Category.choices),
              **dict(ServiceRequest.AppealCategory.choices)}

    def label(value):
        return str(labels.get(value, value or ""))

    for n, row in enumerate(iterate_rows(rows), start=1):
        days = on_time = None
        if row["completed_at"]:
            start, end = local_date(row["submitted_at"]), local_date(row["completed_at"])
            days = index.between(start, end) if index.last >= end else None
            on_time = _("Yes") if row["due_at"] and row["completed_at"] <= row["due_at"] else _("No")
        yield [row["tracking_code"], row["submitted_at"], label(row["kind"]),
               label(row["item__category"] or row["appeal_category"]), row["item__name"] or row["subject"],
               row["department__name"], township_of(row, names), row["village__name"] or row["station__village__name"],
               row["station__name"] or "", label(row["channel"]), label(row["status"]), row["accepted_at"],
               row["due_at"], row["completed_at"], days, on_time, row["rating__score"]]
        if n % 2000 == 0:
            progress(5 + 90 * n // max(total, 1), STEP_ROWS)
