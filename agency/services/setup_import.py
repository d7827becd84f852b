"""Importing the till's set-up from CSV/XLSX: providers, products, commission plans.

Each import is two background jobs (core/import_jobs.py): a check that writes nothing and reports,
row by row, what would be created, changed or left as it is — or every problem, by line and column —
then, when the county admin applies that check, the import itself, which checks every row again
and writes all rows through the set-up services (agency/services/setup.py: the same rules, the same
audit events as the screens) in one transaction, or nothing. Rows are matched by code (plans: by code
and start date); a row that matches what is stored changes nothing, so the same file imported twice
changes nothing the second time.

A column the file leaves out leaves that field as it is (or at its default for a new row); a column
it has counts in every row, an empty cell meaning the default (no plan, no fixed amounts …).
Example files: demo/data/providers.csv, products.csv, commission_plans.csv (headers in Chinese).

The sheets themselves (columns, how a row is planned) are in setup_import_sheets.py, the parts they are
made of in setup_import_cells.py; this module runs them: read, check, write, export, as background jobs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agency.services import setup
from agency.services.setup_import_cells import (
    KIND_PREFIX,
    Cell,
    Planned,
    Row,
    RowProblem,
    SetupSheet,
    field_problems,
)
from agency.services.setup_import_sheets import SHEETS
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_apply,
    import_job_run,
    import_job_submit,
    import_table_read,
)
from core.models import ImportJob
from core.spreadsheets import (
    Caps,
    HeaderMap,
    ImportReport,
    Problem,
    Sheet,
    map_headers,
)

CAPS = Caps(max_rows=2000, max_columns=30, max_cell_chars=500)


# --- reading the rows ------------------------------------------------------------------------------

def _read_rows(sheet: SetupSheet, table, columns: HeaderMap) -> tuple[list[Row], list[Problem]]:
    rows, problems = [], []
    for line, cells in table.rows:
        values, row_problems = {}, []
        for cell in sheet.cells:
            if not columns.has(cell.column.key):
                continue
            text = columns.cell(cells, cell.column.key)
            if not text.strip():
                if cell.required_cell:
                    row_problems.append(Problem(line, columns.label(cell.column.key), _("This cell may not be empty.")))
                else:
                    values[cell.field] = cell.empty() if callable(cell.empty) else cell.empty
                continue
            try:
                values[cell.field] = cell.parse(text)
            except ValidationError as error:
                row_problems += [Problem(line, columns.label(cell.column.key), m) for m in error.messages]
        problems += row_problems
        if not row_problems:
            rows.append(Row(line, values))
    return rows, problems


def _duplicates(rows: list[Row], key: Callable[[Row], object], column: str, columns: HeaderMap) -> list[Problem]:
    seen: dict = {}
    problems = []
    for row in rows:
        first = seen.setdefault(key(row), row.line)
        if first != row.line:
            problems.append(Problem(row.line, columns.label(column),
                                    _("The same as line %(line)d: each row names a different one.") % {"line": first}))
    return problems

# --- the import ------------------------------------------------------------------------------------

def setup_import(*, sheet: SetupSheet, file, filename: str, actor, apply: bool,
                 progress: Progress | None = None) -> ImportReport:
    """Check every row of `file` (and, with `apply`, import them all, or none). See the module's note."""
    table, unreadable = import_table_read(file, filename, caps=CAPS, progress=progress)
    if table is None:
        return ImportReport(problems=unreadable)
    columns = map_headers(table.headers, sheet.columns)
    report = ImportReport(rows=len(table.rows), ignored_columns=columns.ignored)
    if columns.problems:
        return report.refuse(columns.problems)
    rows, problems = _read_rows(sheet, table, columns)
    repeated = _duplicates(rows, lambda r: tuple(r.values[name] for name in sheet.key_fields),
                           sheet.column_of(sheet.key_fields[-1]), columns)
    problems += repeated
    if not table.rows:
        problems.append(Problem(None, "", _("The file has a header but no rows.")))
    # The rows whose cells are good are planned too, so that the report lists every problem at once.
    planned = _plan(sheet, [r for r in rows if r.line not in {p.line for p in repeated}], columns, actor, problems)
    if problems:
        return report.refuse(_in_order(problems, columns))
    if apply:
        if progress is not None:
            progress(80, STEP_SAVING)
        problems = _write(sheet, planned, columns)
        if problems:
            return report.refuse(problems)
    return _counted(report, planned)


def _plan(sheet: SetupSheet, rows: list[Row], columns: HeaderMap, actor, problems: list[Problem]) -> list[Planned]:
    """Plan the rows, a plan's rows together; every row's problems go into `problems`."""
    if sheet.batched_by_code:
        groups: dict[str, list[Row]] = {}
        for row in rows:
            groups.setdefault(row.values["code"], []).append(row)
        batches = list(groups.values())
    else:
        batches = [[row] for row in rows]
    planned = []
    for batch in batches:
        try:
            planned += sheet.plan(batch, columns, actor)
        except RowProblem as error:
            problems += [Problem(error.line or batch[0].line, columns.label(column) if column else "", message)
                         for column, message in error.problems]
    return planned


class _Undone(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def _write(sheet: SetupSheet, planned: list[Planned], columns: HeaderMap) -> list[Problem]:
    """Every planned write in one transaction; the first refusal undoes them all (it names its line)."""
    try:
        with transaction.atomic():
            for item in planned:
                if item.write is None:
                    continue
                try:
                    item.write()
                except ValidationError as error:
                    errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
                    raise _Undone([Problem(item.line, columns.label(column) if column else "", message)
                                   for column, message in field_problems(sheet, errors)]) from error
    except _Undone as failure:
        return [*failure.problems, Problem(None, "", _(
            "The data changed while this file was being imported; nothing was imported. Check it again."))]
    return []


def _counted(report: ImportReport, planned: list[Planned]) -> ImportReport:
    for item in planned:
        if item.action == "create":
            report.created_codes.append(item.label)
        elif item.action == "update":
            report.updated_codes.append(f"{item.label}（{'、'.join(item.changed)}）")
        else:
            report.unchanged += 1
    report.created, report.updated = len(report.created_codes), len(report.updated_codes)
    return report


def _in_order(problems: list[Problem], columns: HeaderMap) -> list[Problem]:
    position = columns.order()
    return sorted(problems, key=lambda p: (p.line or 0, position.get(p.column, len(position))))


def setup_export(*, sheet: SetupSheet, rows) -> Sheet:
    """`rows` (providers, products, or plan versions) in the import's format: what is exported imports
    back unchanged."""
    def value(cell: Cell, row) -> str:
        raw = cell.get(row) if cell.get is not None else getattr(row, cell.field)
        return cell.show(raw)

    return Sheet(title=str(sheet.title), headers=[cell.column.header for cell in sheet.cells],
                 rows=[[value(cell, row) for cell in sheet.cells] for row in rows])


# --- as background jobs ----------------------------------------------------------------------------

def sheet_of_kind(kind: str) -> SetupSheet:
    return SHEETS[kind.removeprefix(KIND_PREFIX)]


def setup_import_check_submit(*, user, sheet: SetupSheet, upload, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the check of an uploaded file (a preview: nothing is written)."""
    from agency.tasks import setup_import_job

    setup.require_till_setup(user, sheet.permission)
    return import_job_submit(user=user, kind=sheet.kind, params={"preview": True}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=setup_import_job.delay)


def setup_import_apply_submit(*, user, sheet: SetupSheet, check_job_id: int, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the import that a clean check described (its file; every row checked again)."""
    from agency.tasks import setup_import_job

    setup.require_till_setup(user, sheet.permission)
    return import_job_apply(user=user, preview_job_id=check_job_id, kind=sheet.kind, idempotency_key=idempotency_key,
                            enqueue=setup_import_job.delay)


def setup_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        return setup_import(sheet=sheet_of_kind(job.kind), file=file, filename=job.filename, actor=job.user,
                            apply=not job.params.get("preview"), progress=progress)

    return import_job_run(job_id=job_id, run=run)
