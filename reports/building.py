"""What every report job's builder shares: the progress callback's type, the common progress steps
(stored untranslated, shown in the reader's language), the time stamp in file names, the tables as a
CSV or XLSX file or as the PDF, and the "About this report" sheet every report's file ends with."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.pdf import render_pdf
from core.spreadsheets import Sheet, to_csv, to_xlsx
from reports.models import ReportJob

Progress = Callable[[int, str], None]

STEP_CHARTS = gettext_noop("Drawing charts")
STEP_PDF = gettext_noop("Typesetting the PDF")
STEP_WRITING = gettext_noop("Writing the file")


def file_stamp() -> str:
    """When the file was made, local time, as file names carry it: 20261206-1430."""
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def table_file(file_format: str, sheets: list[Sheet], progress: Progress) -> bytes | None:
    """A report's tables as the job's CSV (its first table) or XLSX file; None when the job asks for a PDF."""
    if file_format == ReportJob.Format.CSV:
        return to_csv(sheets[0])
    if file_format == ReportJob.Format.XLSX:
        progress(60, STEP_WRITING)
        return to_xlsx(sheets)
    return None


def pdf_file(template_name: str, context: Callable[[], dict], progress: Progress) -> bytes:
    """A report's PDF: `context()` (where the charts are drawn) rendered with `template_name`, with the moment
    it was made (`generated_at`)."""
    progress(40, STEP_CHARTS)
    html = render_to_string(template_name, {**context(), "generated_at": timezone.localtime()})
    progress(60, STEP_PDF)
    return render_pdf(html=html)


def report_job_file(job: ReportJob, progress: Progress, *, stem: str, sheets: list[Sheet], pdf_template: str,
                    pdf_context: Callable[[], dict]) -> tuple[bytes, str]:
    """A report job's file and its name (`stem`, the time stamp, the format): the tables as CSV or XLSX, or
    else the PDF (pdf_file)."""
    name = f"{stem}-{file_stamp()}.{job.file_format}"
    tables = table_file(job.file_format, sheets, progress)
    if tables is not None:
        return tables, name
    return pdf_file(pdf_template, pdf_context, progress), name


def about_sheet(*, date_from, date_to, filter_labels, definitions, width: int = 70) -> Sheet:
    """The last sheet of a report's file: its period, the filters it was narrowed by, what its figures mean."""
    return Sheet(title=_("About this report"), headers=[_("Item"), _("Value")], widths=[24, width],
                 rows=[[_("Period"), f"{date_from} – {date_to}"], *[[_("Filter"), label] for label in filter_labels],
                       [_("Definitions"), str(definitions)]])
