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
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services import setup
from agency.services.setup_rows import (
    choice_lookup,
    format_percent,
    format_slabs,
    format_yes_no,
    format_yuan_list,
    parse_choice,
    parse_percent,
    parse_slabs,
    parse_yes_no,
    parse_yuan_list,
    zh_label,
)
from core.import_jobs import (
    STEP_CHECKING,
    STEP_SAVING,
    Progress,
    import_job_apply,
    import_job_run,
    import_job_submit,
    reading_progress,
)
from core.models import ImportJob
from core.money import parse_yuan, yuan_plain
from core.spreadsheets import (
    Caps,
    Column,
    HeaderMap,
    ImportReport,
    Problem,
    Sheet,
    SpreadsheetError,
    code_text,
    map_headers,
    read_table,
)

CAPS = Caps(max_rows=2000, max_columns=30, max_cell_chars=500)
KIND_PREFIX = "agency.setup."


class RowProblem(Exception):
    """Problems found while planning a row: (column key or "", message) pairs, and the row's line when the
    batch planned has several rows (a plan's versions)."""

    def __init__(self, problems: list[tuple[str, str]], line: int | None = None):
        super().__init__(problems)
        self.problems, self.line = problems, line


# --- cells -----------------------------------------------------------------------------------------

def _text(most: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = text.strip()
        if len(text) > most:
            raise ValidationError(_("At most %(n)d characters.") % {"n": most})
        return text
    return parse


def _whole(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 9:
        raise ValidationError(_("Enter a whole number."))
    return int(text)


def _fen(text: str) -> int:
    return parse_yuan(text)


def _fen_or_none(text: str) -> int | None:
    return parse_yuan(text) if text.strip() else None


def _day(text: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        day = parse_date(cleaned)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(_("Enter the date as 2026-01-01."))
    return day


def _choice(choices, aliases: dict[str, str] | None = None) -> Callable[[str], str]:
    lookup = {**choice_lookup(choices), **(aliases or {})}
    return lambda text: parse_choice(text, lookup)


def _percent(text: str) -> int:
    return parse_percent(text)


@dataclass(frozen=True)
class Cell:
    """A column, the field it fills, how its text is read, and the value of an empty cell (None: the
    cell may not be empty)."""

    column: Column
    field: str
    parse: Callable[[str], object]
    empty: object = None
    required_cell: bool = False
    show: Callable[[object], str] = str          # the value as the export (and the example files) write it
    get: Callable[[object], object] | None = None  # the value from an exported row (else its attribute `field`)


@dataclass
class Planned:
    line: int
    label: str                      # how the report names the row
    action: str                     # "create" | "update" | "unchanged"
    changed: list[str] = field(default_factory=list)  # the columns whose values change
    write: Callable[[], object] | None = None


@dataclass(frozen=True)
class SetupSheet:
    key: str
    title: object                    # lazy text for the pages
    permission: str
    cells: tuple[Cell, ...]
    plan: Callable                   # (rows, header map, actor) → list[Planned]; raises RowProblem per batch
    key_fields: tuple[str, ...] = ("code",)  # what names a row: two rows of a file never share it
    batched_by_code: bool = False    # rows with one code are planned together (a plan's versions)

    @property
    def columns(self) -> list[Column]:
        return [cell.column for cell in self.cells]

    @property
    def kind(self) -> str:
        return KIND_PREFIX + self.key

    def column_of(self, field_name: str) -> str:
        return next((cell.column.key for cell in self.cells if cell.field == field_name), "")


# --- reading the rows ------------------------------------------------------------------------------

@dataclass
class Row:
    line: int
    values: dict                      # field → value, for the columns the file has


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


def _field_problems(sheet: SetupSheet, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(sheet.column_of(name) if name != NON_FIELD_ERRORS else "", message)
            for name, messages in errors.items() for message in messages]


def _label_changes(sheet: SetupSheet, changes: dict) -> list[str]:
    labels = []
    for name in changes:
        column = sheet.column_of(name)
        header = next((c.column.header for c in sheet.cells if c.column.key == column), name)
        labels.append(header)
    return labels


# --- providers -------------------------------------------------------------------------------------

def _plan_providers(rows: list[Row], columns: HeaderMap, actor) -> list[Planned]:
    existing = {p.code: p for p in Provider.objects.filter(code__in=[r.values["code"] for r in rows])}
    planned = []
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        current = existing.get(code)
        if current is None:
            candidate = Provider(code=code, **values)
            errors = setup.provider_errors(candidate, unique=False)
            if errors:
                raise RowProblem(_field_problems(PROVIDERS, errors))
            planned.append(Planned(row.line, code, "create", write=lambda code=code, values=values: setup.provider_create(
                actor=actor, code=code, **values)))
            continue
        before = setup.snapshot(current, setup.PROVIDER_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        errors = setup.provider_errors(current, unique=False)
        if errors:
            raise RowProblem(_field_problems(PROVIDERS, errors))
        changes = setup.changes_between(before, setup.snapshot(current, setup.PROVIDER_FIELDS))
        planned.append(_update(row, code, changes, PROVIDERS,
                               lambda current=current, values=values: setup.provider_update(
                                   actor=actor, provider=current, **values)))
    return planned


def _update(row: Row, label: str, changes: dict, sheet: SetupSheet, write) -> Planned:
    if not changes:
        return Planned(row.line, label, "unchanged")
    return Planned(row.line, label, "update", _label_changes(sheet, changes), write)


# --- products --------------------------------------------------------------------------------------

def _plan_products(rows: list[Row], columns: HeaderMap, actor) -> list[Planned]:
    codes = [r.values["code"] for r in rows]
    existing = {p.code: p for p in Product.objects.filter(code__in=codes)}
    providers = {p.code: p for p in Provider.objects.filter(code__in={r.values.get("provider") for r in rows})}
    plans = {p.code: p for p in CommissionPlan.objects.filter(code__in={r.values.get("commission_plan") for r in rows})}
    planned = []
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        problems = []
        if "provider" in values:
            values["provider"] = providers.get(values["provider"])
            if values["provider"] is None:
                problems.append(("provider", _("No provider has the code “%(code)s”; add it (or import the "
                                               "providers' file) first.") % {"code": row.values["provider"]}))
        if values.get("commission_plan"):
            values["commission_plan"] = plans.get(values["commission_plan"])
            if values["commission_plan"] is None:
                problems.append(("commission_plan", _("No commission plan has the code “%(code)s”; add it (or "
                                                      "import the plans' file) first.")
                                 % {"code": row.values["commission_plan"]}))
        if problems:
            raise RowProblem(problems)
        current = existing.get(code)
        if current is None:
            candidate = Product(code=code, **values)
            errors = setup.product_errors(candidate, unique=False)
            if errors:
                raise RowProblem(_field_problems(PRODUCTS, errors))
            planned.append(Planned(row.line, code, "create", write=lambda code=code, values=values: setup.product_create(
                actor=actor, code=code, **values)))
            continue
        before = setup.snapshot(current, setup.PRODUCT_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        errors = setup.product_errors(current, unique=False)
        if errors:
            raise RowProblem(_field_problems(PRODUCTS, errors))
        changes = setup.changes_between(before, setup.snapshot(current, setup.PRODUCT_FIELDS))
        planned.append(_update(row, code, changes, PRODUCTS, lambda current=current, values=values: setup.product_update(
            actor=actor, product=current, **values)))
    return planned


# --- commission plans ------------------------------------------------------------------------------

def _plan_plans(rows: list[Row], columns: HeaderMap, actor) -> list[Planned]:
    """Rows grouped by plan code: a plan new to the database is created with all its rows' versions
    (any dates); a known plan gets the versions it does not have yet (today or later), is renamed when
    the name differs, and a row for a version it has must repeat that version's terms exactly."""
    by_code: dict[str, list[Row]] = {}
    for row in rows:
        by_code.setdefault(row.values["code"], []).append(row)
    existing = {p.code: p for p in CommissionPlan.objects.filter(code__in=by_code).prefetch_related("versions")}
    planned: list[Planned] = []
    for code, group in by_code.items():
        names = {row.values["name"] for row in group}
        if len(names) > 1:
            raise RowProblem([("name", _("Every row of plan “%(code)s” gives it the same name.") % {"code": code})])
        name = names.pop()
        specs = [_version_spec(row) for row in group]
        plan = existing.get(code)
        if plan is None:
            planned += _new_plan(code, name, group, specs, actor)
        else:
            planned += _known_plan(plan, name, group, specs, actor)
    return planned


def _version_spec(row: Row) -> dict:
    spec = {name: row.values[name] for name in ("effective_from", *setup.TERMS) if name in row.values}
    version = setup.plan_version_build(plan=None, **spec)
    errors = setup.version_errors(version)
    if errors:
        raise RowProblem(_field_problems(PLANS, errors), row.line)
    return {"effective_from": version.effective_from, **setup.terms_of(version)}


def _label(code: str, spec: dict) -> str:
    return f"{code} {spec['effective_from'].isoformat()}"


def _new_plan(code: str, name: str, group: list[Row], specs: list[dict], actor) -> list[Planned]:
    write = lambda: setup.commission_plan_create(actor=actor, code=code, name=name, versions=specs)  # noqa: E731
    return [Planned(row.line, _label(code, spec), "create", write=write if position == 0 else None)
            for position, (row, spec) in enumerate(zip(group, specs, strict=True))]


def _known_plan(plan: CommissionPlan, name: str, group: list[Row], specs: list[dict], actor) -> list[Planned]:
    versions = {v.effective_from: v for v in plan.versions.all()}
    planned = []
    renamed = plan.name != name
    for position, (row, spec) in enumerate(zip(group, specs, strict=True)):
        day = spec["effective_from"]
        stored = versions.get(day)
        rename = renamed and position == 0
        if stored is not None:
            if setup.terms_of(stored) != {k: v for k, v in spec.items() if k != "effective_from"}:
                raise RowProblem([("effective_from", _(
                    "Plan “%(code)s” has a version from %(date)s with other terms. A version is never changed: "
                    "give the new terms a new start date, today or later.") % {"code": plan.code, "date": day})],
                    row.line)
            planned.append(_rename(row, plan, name, actor) if rename else Planned(row.line, _label(plan.code, spec),
                                                                                   "unchanged"))
            continue
        errors = setup.new_version_date_errors(plan, day)
        if errors:
            raise RowProblem(_field_problems(PLANS, errors), row.line)
        write = lambda spec=spec: setup.commission_plan_version_add(actor=actor, plan=plan, **spec)  # noqa: E731
        planned.append(Planned(row.line, _label(plan.code, spec), "create", write=write))
        if rename:
            planned.append(_rename(row, plan, name, actor))
    return planned


def _rename(row: Row, plan: CommissionPlan, name: str, actor) -> Planned:
    return Planned(row.line, plan.code, "update", _label_changes(PLANS, {"name": None}),
                   lambda: setup.commission_plan_rename(actor=actor, plan=plan, name=name))


# --- the sheets ------------------------------------------------------------------------------------

def _col(key: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(key, header, aliases, required)


def _code(text: str) -> str:
    code = code_text(text)
    Provider._meta.get_field("code").run_validators(code)  # a slug: letters, digits, - and _
    return code


def _zh(choices) -> Callable[[str], str]:
    return lambda value: zh_label(choices, value)


def _code_of(row) -> str:
    return row.code if row is not None else ""


_ACTIVE = Cell(_col("is_active", "启用", "是否启用", "active"), "is_active", parse_yes_no, True, show=format_yes_no)
_YUAN = {"show": yuan_plain}
_PERCENT_SHOWN = {"show": format_percent}

PROVIDERS = SetupSheet("providers", gettext_lazy("Providers"), "agency.add_provider", (
    Cell(_col("code", "服务商代码", "代码", "provider code", required=True), "code", _code, required_cell=True),
    Cell(_col("name", "服务商名称", "名称", "name", required=True), "name", _text(80), required_cell=True),
    Cell(_col("float_group", "类型", "备付金类别", "float group", required=True), "float_group",
         _choice(Provider.FloatGroup.choices, {"水电": "utilities", "电信": "telecom", "物流": "logistics",
                                               "快递": "logistics"}), required_cell=True,
         show=_zh(Provider.FloatGroup.choices)),
    Cell(_col("adapter", "接口", "adapter"), "adapter", _text(40), "simulator"),
    _ACTIVE,
), _plan_providers)

PRODUCTS = SetupSheet("products", pgettext_lazy("till set-up", "Products"), "agency.add_product", (
    Cell(_col("code", "产品代码", "代码", "product code", required=True), "code", _code, required_cell=True),
    Cell(_col("name", "产品名称", "名称", "name", required=True), "name", _text(80), required_cell=True),
    Cell(_col("provider", "服务商代码", "服务商", "provider", required=True), "provider", _code, required_cell=True,
         show=_code_of),
    Cell(_col("kind", "业务类型", "类型", "kind", required=True), "kind", _choice(Product.Kind.choices),
         required_cell=True, show=_zh(Product.Kind.choices)),
    Cell(_col("direction", "资金方向", "direction"), "direction",
         _choice(Product.Direction.choices, {"收款": "collect", "代收": "collect", "付款": "payout", "取款": "payout"}),
         Product.Direction.COLLECT, show=_zh(Product.Direction.choices)),
    Cell(_col("account_label", "账号名称", "account label"), "account_label", _text(30), ""),
    Cell(_col("account_min_length", "账号最短位数", "shortest account"), "account_min_length", _whole, 1),
    Cell(_col("account_max_length", "账号最长位数", "longest account"), "account_max_length", _whole, 30),
    Cell(_col("account_digits_only", "账号仅限数字", "digits only"), "account_digits_only", parse_yes_no, True,
         show=format_yes_no),
    Cell(_col("account_check_digit", "校验方式", "check digit"), "account_check_digit",
         _choice(Product.CheckDigit.choices, {"手机号": "mobile", "模10": "mod10_31"}), Product.CheckDigit.NONE,
         show=_zh(Product.CheckDigit.choices)),
    Cell(_col("amount_min", "最低金额（元）", "最低金额", "smallest amount"), "amount_min_fen", _fen, 1, **_YUAN),
    Cell(_col("amount_max", "最高金额（元）", "最高金额", "largest amount", required=True), "amount_max_fen", _fen,
         required_cell=True, **_YUAN),
    Cell(_col("amount_choices", "固定金额（元）", "固定金额", "fixed amounts"), "amount_choices_fen", parse_yuan_list,
         list, show=format_yuan_list),
    Cell(_col("customer_fee", "手续费（元）", "手续费", "fee"), "customer_fee_fen", _fen, 0, **_YUAN),
    Cell(_col("reversal_window_minutes", "冲正时限（分钟）", "冲正时限", "reversal window"), "reversal_window_minutes",
         _whole, 30),
    Cell(_col("lookup_supported", "支持查询账单", "支持查询", "lookup"), "lookup_supported", parse_yes_no, False,
         show=format_yes_no),
    Cell(_col("commission_plan", "佣金方案代码", "佣金方案", "commission plan"), "commission_plan", _code, None,
         show=_code_of),
    _ACTIVE,
), _plan_products)

_METHOD_ALIASES = {"百分比": "percentage", "比例": "percentage", "固定": "flat", "每笔": "flat", "阶梯": "slabs",
                   "分档": "slabs"}
PLANS = SetupSheet("plans", gettext_lazy("Commission plans"), "agency.add_commissionplanversion", (
    Cell(_col("code", "方案代码", "代码", "plan code", required=True), "code", _code, required_cell=True,
         get=lambda version: version.plan.code),
    Cell(_col("name", "方案名称", "名称", "name", required=True), "name", _text(80), required_cell=True,
         get=lambda version: version.plan.name),
    Cell(_col("effective_from", "生效日期", "effective from", required=True), "effective_from", _day,
         required_cell=True, show=date.isoformat),
    Cell(_col("method", "计算方式", "method", required=True), "method",
         _choice(CommissionPlanVersion.Method.choices, _METHOD_ALIASES), required_cell=True,
         show=_zh(CommissionPlanVersion.Method.choices)),
    Cell(_col("rate", "费率（%）", "费率", "rate"), "rate_bp", _percent, 0, **_PERCENT_SHOWN),
    Cell(_col("flat", "每笔金额（元）", "每笔金额", "flat amount"), "flat_fen", _fen, 0, **_YUAN),
    Cell(_col("slabs", "分档", "阶梯", "slabs"), "slabs", parse_slabs, list, show=format_slabs),
    Cell(_col("min", "最低佣金（元）", "最低佣金", "minimum"), "min_fen", _fen, 0, **_YUAN),
    Cell(_col("max", "最高佣金（元）", "最高佣金", "maximum"), "max_fen", _fen_or_none, None, **_YUAN),
    Cell(_col("share_operator", "代办员分成（%）", "代办员分成", "operator share"), "share_operator_bp", _percent,
         10_000, **_PERCENT_SHOWN),
    Cell(_col("share_township", "乡镇分成（%）", "乡镇分成", "township share"), "share_township_bp", _percent, 0,
         **_PERCENT_SHOWN),
    Cell(_col("share_county", "县分成（%）", "县分成", "county share"), "share_county_bp", _percent, 0, **_PERCENT_SHOWN),
    Cell(_col("share_platform", "平台分成（%）", "平台分成", "platform share"), "share_platform_bp", _percent, 0,
         **_PERCENT_SHOWN),
    Cell(_col("tax_rate", "代扣税率（%）", "代扣税率", "tax rate"), "tax_rate_bp", _percent, 0, **_PERCENT_SHOWN),
), _plan_plans, key_fields=("code", "effective_from"), batched_by_code=True)

SHEETS = {sheet.key: sheet for sheet in (PROVIDERS, PRODUCTS, PLANS)}


# --- the import ------------------------------------------------------------------------------------

def setup_import(*, sheet: SetupSheet, file, filename: str, actor, apply: bool,
                 progress: Progress | None = None) -> ImportReport:
    """Check every row of `file` (and, with `apply`, import them all, or none). See the module's note."""
    try:
        table = read_table(file, filename, caps=CAPS, progress=reading_progress(progress))
    except SpreadsheetError as error:
        return ImportReport(problems=[Problem(None, "", str(error))])
    if progress is not None:
        progress(60, STEP_CHECKING)
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
                                   for column, message in _field_problems(sheet, errors)]) from error
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
