"""What the setup imports of departments and of staff share: reading the file against its columns, and
applying the checked rows (or only counting them, for the preview) in one transaction with one audit event."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.import_jobs import STEP_SAVING, import_table_read
from core.spreadsheets import Caps, ImportReport, Problem, map_headers
from stations.scope import scope_for

CAPS = Caps(max_bytes=5 * 2**20, max_rows=5000, max_columns=20, max_cell_chars=500)


def read_rows(file, filename, columns, progress):
    """(rows, header map, report) or (None, None, a refusing report)."""
    table, unreadable = import_table_read(file, filename, caps=CAPS, progress=progress)
    if table is None:
        return None, None, ImportReport(problems=unreadable)
    header = map_headers(table.headers, columns)
    report = ImportReport(rows=len(table.rows), ignored_columns=header.ignored)
    if header.problems or not table.rows:
        return None, None, report.refuse(header.problems or [Problem(None, "", _("The file has a header but no rows."))])
    return table.rows, header, report


def apply_plans(plans, write, *, actor, report, dry_run, progress, action, filename) -> ImportReport:
    """Count the plans into `report`; unless this is the preview (`dry_run`) or nothing changes, `write` them
    in one transaction with one audit event `action`."""
    report.created = sum(p.kind == "create" for p in plans)
    report.updated = sum(p.kind == "update" for p in plans)
    report.unchanged = len(plans) - report.created - report.updated
    report.created_codes = [p.text for p in plans if p.kind == "create"]
    report.updated_codes = [p.text for p in plans if p.kind == "update"]
    if dry_run or not (report.created or report.updated):
        return report
    if progress is not None:
        progress(80, STEP_SAVING)
    try:
        with transaction.atomic():
            write(plans)
            audit_event_record(actor=actor, action=action, target=scope_for(actor).admin_region or actor,
                               data={"file": filename[:200], "rows": report.rows, "created": report.created,
                                     "updated": report.updated, "unchanged": report.unchanged})
    except (ValidationError, PermissionDenied) as error:  # something changed since the check
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return report.refuse([Problem(None, "", m) for m in messages])
    return report


@dataclass
class Plan:
    """What the import does with one checked row; `text` says it in the preview."""

    line: int
    kind: str  # create | update | unchanged
    text: str
    values: dict = field(default_factory=dict)
