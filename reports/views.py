"""The reports screens under /county/reports/.

Who gets in (ReportsMixin, 403 for anyone else): the staff of a station, a department or a region —
township and county admins (their region), operators and liaisons (their station), officers (their
departments) — and superusers, exactly those whose report scope is not empty (reports/selectors/scope.py).
Everyone sees only the figures of their scope; filter choices offer nothing outside it.

Reports are read-only. The only write is asking for a background job (a PDF, a large export), whose
page shows its progress and, once ready, the download; only the user who asked may see or fetch it.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.http import int_or_none, site_file_response
from core.spreadsheets import CONTENT_TYPES, FORMATS, spreadsheet_response
from reports.analytics_report import analytics_report
from reports.forms import GovKpiFilterForm
from reports.gov_report import COLUMNS, GovKpiReport, gov_kpi_report, page_columns
from reports.models import ReportJob
from reports.officer_report import officer_report
from reports.page import ReportPageView, group_values
from reports.registry import GOV_KPIS, OFFICER_FIGURES, REQUEST_ANALYTICS, report_of_job_kind
from reports.selectors.jobs import access_report_job_by_id
from reports.selectors.scope import ReportScope
from reports.services import report_job_request
from stations.mixins import WorkspaceMixin


class ReportsMixin(WorkspaceMixin):
    """The reports' workspace: any staff post (the same people whose report scope is not empty); checked
    before a job or a filter is read. Each report's own rule (registry's `scope`) is checked after."""

    required_post = "is_any_staff"
    refusal = gettext_lazy("Reports are for station, department, township and county staff.")


class GovKpiReportView(ReportsMixin, ReportPageView):
    """Government-service KPIs by department, township, station or month, with the monthly trend and
    a ranking by the chosen rate; `?format=csv|xlsx` downloads what the page shows."""

    definition = GOV_KPIS
    template_name = "reports/gov_kpis.html"

    def build(self, form: GovKpiFilterForm, scope: ReportScope) -> GovKpiReport:
        return gov_kpi_report(scope=scope, params=form.params(), filter_labels=form.filter_labels(),
                              link_requests=scope.is_regional, groups=group_values(form))

    def filename(self, report: GovKpiReport) -> str:
        return f"kpis-{report.params.date_from:%Y%m%d}-{report.params.date_to:%Y%m%d}"

    def page_context(self, report: GovKpiReport) -> dict:
        return {
            "headings": page_columns(), "rows": report.rows(), "total_values": report.total_values(),
            "trend_chart": report.trend_chart(), "ranking_chart": report.ranking_chart(), "ranking": report.ranking(),
            "rate_columns": [name for name, _label, shown in COLUMNS if shown and name.endswith("_rate")],
            "query": report.params.query(),
        }


class RequestAnalyticsView(ReportsMixin, View):
    """What residents ask for (category, item), where (villages on the map), the monthly trend, the
    busiest stations and repeat requests from one village on one topic; `?format=xlsx` downloads it."""

    template_name = "reports/request_analytics.html"

    def get(self, request):
        scope = REQUEST_ANALYTICS.scope(user=request.user)
        form = REQUEST_ANALYTICS.form(request.GET, scope=scope)
        asked = int_or_none(request.GET.get("minimum"), low=0)
        minimum = 3 if asked is None else min(max(asked, 2), 50)
        report = analytics_report(scope=scope, params=form.params(), minimum=minimum)
        if request.GET.get("format") == "xlsx":
            name = f"requests-analysis-{report.params.date_from:%Y%m%d}-{report.params.date_to:%Y%m%d}.xlsx"
            return spreadsheet_response(report.sheets(), fmt="xlsx", filename=name)
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, "query": report.params.query(), "minimum": minimum,
            "category_chart": report.category_chart(), "item_chart": report.item_chart(),
            "trend_chart": report.trend_chart(), "station_chart": report.station_chart(),
            "map_chart": report.map_chart(), "regional": scope.is_regional,
        })


class OfficerFiguresView(ReportsMixin, View):
    """Per-officer figures for a department head (their departments) or an admin (their region): steps done by
    kind, on time, median working days a step, ratings; `?format=csv|xlsx` downloads what the page shows."""

    template_name = "reports/officer_figures.html"

    def get(self, request):
        scope = OFFICER_FIGURES.scope(user=request.user)
        form = OFFICER_FIGURES.form(request.GET, scope=scope)
        period, department = form.params()
        report = officer_report(scope=scope, period=period, department_id=department,
                                filter_labels=form.filter_labels())
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            return spreadsheet_response(report.sheets(), fmt=fmt,
                                        filename=f"officers-{period.start:%Y%m%d}-{period.end:%Y%m%d}")
        query = request.GET.copy()
        query.pop("format", None)
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, "headings": report.headings(), "table": report.table(),
            "query": query.urlencode(), "regional": scope.is_regional,
        })


class ReportJobCreateView(ReportsMixin, View):
    """POST: queue a report's PDF or large export (`job` = "<kind>:<format>") with the filters of the
    page it came from (`query`), under the rule of the report the kind belongs to (reports.registry)."""

    def post(self, request):
        kind, _sep, file_format = request.POST.get("job", "").partition(":")
        report = report_of_job_kind(kind)
        if report is None:
            return HttpResponse(_("This report is not available in that format."), status=400)
        scope = report.scope(user=request.user)
        query = request.POST.get("query", "")
        form = report.form(QueryDict(query) if query else None, scope=scope)
        params = report.job_params(form) | {"language": request.LANGUAGE_CODE}
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            key = uuid.uuid4()
        try:
            job = report_job_request(user=request.user, kind=kind, file_format=file_format, params=params,
                                     idempotency_key=key)
        except ValidationError as error:
            return HttpResponse("; ".join(error.messages), status=400)
        return HttpResponseRedirect(reverse("reports:job-detail", args=[job.pk]))


class ReportJobDetailView(ReportsMixin, View):
    """A job's page: a progress bar while it runs (refreshed by core/job-progress.js, or by the
    page reloading itself without JavaScript), the download link when ready, the reason if it failed."""

    template_name = "reports/job_detail.html"

    def get(self, request, pk):
        job = access_report_job_by_id(user=request.user, job_id=pk)
        return TemplateResponse(request, self.template_name, {"job": job})


class ReportJobStatusView(ReportsMixin, View):
    """The job's progress as JSON, for the progress bar."""

    def get(self, request, pk):
        job = access_report_job_by_id(user=request.user, job_id=pk)
        return JsonResponse({
            "status": job.status, "status_label": job.get_status_display(), "progress": job.progress,
            "step": _(job.step) if job.step else "", "finished": job.finished,
            "download_url": reverse("reports:job-download", args=[job.pk]) if job.status == job.Status.DONE else None,
        })


class ReportJobDownloadView(ReportsMixin, View):
    def get(self, request, pk):
        job = access_report_job_by_id(user=request.user, job_id=pk)
        if job.status != ReportJob.Status.DONE or not job.file:
            raise PermissionDenied(_("This report is not ready."))
        content_type = CONTENT_TYPES.get(job.file_format, "application/pdf")
        return site_file_response(job.file, filename=job.filename, content_type=content_type)
