"""The station's service ledger (服务台账) as a spreadsheet: one row per request, ID and mobile
numbers masked. Written by core.spreadsheets."""

from django.utils.translation import gettext_lazy

from core.masking import mask_mobile
from core.spreadsheets import Sheet
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest

LEDGER_COLUMNS = [  # header, column width
    (gettext_lazy("Tracking code"), 14), (gettext_lazy("Submitted at"), 18), (gettext_lazy("Kind"), 10),
    (gettext_lazy("Category"), 16), (gettext_lazy("Service item or subject"), 32), (gettext_lazy("Applicant"), 12),
    (gettext_lazy("ID card number"), 22), (gettext_lazy("Mobile number"), 14), (gettext_lazy("Department"), 26),
    (gettext_lazy("Status"), 14), (gettext_lazy("Deadline"), 18), (gettext_lazy("Filed by"), 14),
]


def ledger_sheet(service_requests, *, title: str) -> Sheet:
    return Sheet(title=title, headers=[str(header) for header, _width in LEDGER_COLUMNS],
                 widths=[width for _header, width in LEDGER_COLUMNS],
                 rows=(_ledger_row(row) for row in service_requests))


def _ledger_row(row: ServiceRequest) -> list:
    is_application = row.kind == ServiceRequest.Kind.APPLICATION
    return [
        format_tracking_code(row.tracking_code), row.submitted_at, row.get_kind_display(),
        row.item.get_category_display() if is_application else row.get_appeal_category_display(),
        row.item.name if is_application else (row.subject or row.description[:60]),
        row.applicant_name, row.masked_id_number, mask_mobile(row.applicant_phone),
        row.department.name, row.get_status_display(), row.due_at,
        (row.filed_by.get_full_name() or row.filed_by.get_username()) if row.filed_by else "",
    ]
