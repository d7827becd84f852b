"""The reports registry: every report the staff can open, or have prepared in the background, is one
definition here — who may see it, its filter form, what a background job keeps of the filters, and
the files it can be prepared as (kind, formats, builder, the buttons its page offers).

The pages, the one view that queues a job, the format check of `report_job_request` and the job
runner all read this table: a new report is a new definition (and its page), not a new slice of
queueing views, URLs and format tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from reports.building import Progress
from reports.commission_forms import (
    commission_form,
    commission_job_params,
    shop_sales_form,
    shop_sales_job_params,
)
from reports.commission_jobs import build_commission_rows, build_commissions
from reports.forms import gov_kpi_form, gov_kpi_job_params, officer_figures_form
from reports.gov_jobs import build_gov_kpis, build_request_rows
from reports.models import ReportJob
from reports.selectors.scope import (
    ReportScope,
    commission_report_scope,
    officer_report_scope,
    staff_report_scope,
)
from reports.shop_sales_jobs import build_shop_sales

Kind, Format = ReportJob.Kind, ReportJob.Format


@dataclass(frozen=True)
class JobFile:
    """A file a report can be prepared as in the background."""

    kind: str                                                # ReportJob.Kind
    formats: frozenset[str]                                  # what `report_job_request` accepts
    build: Callable[[ReportJob, Progress], tuple[bytes, str]]
    buttons: tuple[tuple[str, Promise], ...] = ()            # (format, label) offered on the page


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    scope: Callable[..., ReportScope]       # scope(user=…): theirs, or PermissionDenied if they may not see it
    form: Callable[..., forms.Form]         # form(query dict or None, scope=…): only choices inside the scope
    job_params: Callable[[forms.Form], dict] | None = None  # what a job keeps of the page's filters
    files: tuple[JobFile, ...] = ()

    def job_buttons(self) -> list[tuple[str, Promise]]:
        """The page's "prepare in the background" buttons: ("<kind>:<format>", label)."""
        return [(f"{file.kind}:{fmt}", label) for file in self.files for fmt, label in file.buttons]


PDF_WITH_CHARTS = gettext_lazy("PDF report with charts")

GOV_KPIS = ReportDefinition(
    name="gov-kpis", scope=staff_report_scope, form=gov_kpi_form, job_params=gov_kpi_job_params, files=(
        JobFile(Kind.GOV_KPIS, frozenset({Format.PDF, Format.XLSX, Format.CSV}), build_gov_kpis,
                buttons=((Format.PDF, PDF_WITH_CHARTS),)),
        JobFile(Kind.REQUEST_ROWS, frozenset({Format.XLSX, Format.CSV}), build_request_rows,
                buttons=((Format.XLSX, gettext_lazy("Every request (XLSX)")),
                         (Format.CSV, gettext_lazy("Every request (CSV)")))),
    ))
REQUEST_ANALYTICS = ReportDefinition(name="request-analytics", scope=staff_report_scope, form=gov_kpi_form)
COMMISSIONS = ReportDefinition(
    name="commissions", scope=commission_report_scope, form=commission_form, job_params=commission_job_params,
    files=(
        JobFile(Kind.COMMISSIONS, frozenset({Format.PDF, Format.XLSX, Format.CSV}), build_commissions,
                buttons=((Format.PDF, PDF_WITH_CHARTS),)),
        JobFile(Kind.COMMISSION_ROWS, frozenset({Format.XLSX, Format.CSV}), build_commission_rows,
                buttons=((Format.XLSX, gettext_lazy("Every transaction (XLSX)")),
                         (Format.CSV, gettext_lazy("Every transaction (CSV)")))),
    ))
SHOP_SALES = ReportDefinition(
    name="shop-sales", scope=commission_report_scope, form=shop_sales_form, job_params=shop_sales_job_params,
    files=(  # the page itself downloads CSV and XLSX
        JobFile(Kind.SHOP_SALES, frozenset({Format.PDF}), build_shop_sales, buttons=((Format.PDF, PDF_WITH_CHARTS),)),
    ))

# The page itself downloads CSV and XLSX: a county's officers are tens of rows, never a background job.
OFFICER_FIGURES = ReportDefinition(name="officer-figures", scope=officer_report_scope, form=officer_figures_form)

REPORTS: dict[str, ReportDefinition] = {d.name: d for d in (GOV_KPIS, REQUEST_ANALYTICS, COMMISSIONS, SHOP_SALES,
                                                            OFFICER_FIGURES)}
_BY_KIND: dict[str, tuple[ReportDefinition, JobFile]] = {
    file.kind: (definition, file) for definition in REPORTS.values() for file in definition.files}


def report_of_job_kind(kind: str) -> ReportDefinition | None:
    """The report a job kind belongs to (its scope and form), or None for a kind no report prepares."""
    found = _BY_KIND.get(kind)
    return found[0] if found else None


def job_file_of(kind: str) -> JobFile:
    return _BY_KIND[kind][1]


def job_formats(kind: str) -> frozenset[str]:
    """The formats a job kind comes in (nothing for an unknown kind)."""
    found = _BY_KIND.get(kind)
    return found[1].formats if found else frozenset()
