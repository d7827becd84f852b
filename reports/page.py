"""A report's page, the same for each report with background files: its scope and filter form from the
registry definition, the report built from them, `?format=csv|xlsx` as a download of what the page shows,
or else the page with the report's "prepare in the background" buttons and the user's recent jobs."""

from __future__ import annotations

import uuid

from django import forms
from django.template.response import TemplateResponse
from django.views import View

from core.spreadsheets import FORMATS, spreadsheet_response
from reports.registry import ReportDefinition
from reports.selectors.jobs import recent_report_jobs
from reports.selectors.scope import ReportScope


def group_values(form: forms.Form) -> tuple[str, ...]:
    """The rows a report may be grouped by: its form's `group` choices (those inside the user's scope)."""
    return tuple(value for value, _label in form.fields["group"].choices)


class ReportPageView(View):
    definition: ReportDefinition
    template_name: str

    def build(self, form: forms.Form, scope: ReportScope):
        raise NotImplementedError

    def filename(self, report) -> str:
        """The download's name, without its extension."""
        raise NotImplementedError

    def page_context(self, report) -> dict:
        """What the page shows of the report beside the form, the report and the job buttons."""
        raise NotImplementedError

    def get(self, request):
        scope = self.definition.scope(user=request.user)
        form = self.definition.form(request.GET, scope=scope)
        report = self.build(form, scope)
        if (fmt := request.GET.get("format")) in FORMATS:
            return spreadsheet_response(report.sheets(), fmt=fmt, filename=self.filename(report))
        return TemplateResponse(request, self.template_name, {
            "form": form, "report": report, **self.page_context(report), "idempotency_key": uuid.uuid4(),
            "job_buttons": self.definition.job_buttons(), "jobs": recent_report_jobs(user=request.user),
            "regional": scope.is_regional,
        })
