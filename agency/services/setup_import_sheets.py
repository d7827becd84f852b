"""The three sheets of the till's set-up import — providers, products, commission plans: their columns
(Chinese headers first, with the aliases a file may use), how a cell is read and written back, and how
each row is planned against what is stored (create, update, or leave as it is) through the set-up
services' own checks (agency/services/setup.py). The import that runs them is setup_import.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services import setup
from agency.services.setup_import_cells import (
    Cell,
    Planned,
    Row,
    RowProblem,
    SetupSheet,
    field_problems,
    label_changes,
    planned_update,
)
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
from core.money import parse_yuan, yuan_plain
from core.spreadsheets import Column, HeaderMap, code_text

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


# --- providers and products ------------------------------------------------------------------------

def _plan_row(row: Row, code: str, values: dict, current, *, sheet: SetupSheet, model, fields: tuple[str, ...],
              errors_of, create, update) -> Planned:
    """A provider's or product's row against its stored one (None: new), through the set-up service's own
    checks (`errors_of`); applying it calls `create(code=, **values)` or `update(current, values)`."""
    if current is None:
        errors = errors_of(model(code=code, **values), unique=False)
        if errors:
            raise RowProblem(field_problems(sheet, errors))
        return Planned(row.line, code, "create", write=lambda: create(code=code, **values))
    changes = setup.assign(current, values, fields)
    errors = errors_of(current, unique=False)
    if errors:
        raise RowProblem(field_problems(sheet, errors))
    return planned_update(row, code, changes, sheet, lambda: update(current, values))


def _plan_providers(rows: list[Row], columns: HeaderMap, actor) -> list[Planned]:
    existing = {p.code: p for p in Provider.objects.filter(code__in=[r.values["code"] for r in rows])}
    planned = []
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        planned.append(_plan_row(
            row, code, values, existing.get(code), sheet=PROVIDERS, model=Provider, fields=setup.PROVIDER_FIELDS,
            errors_of=setup.provider_errors, create=partial(setup.provider_create, actor=actor),
            update=lambda current, values: setup.provider_update(actor=actor, provider=current, **values)))
    return planned


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
        planned.append(_plan_row(
            row, code, values, existing.get(code), sheet=PRODUCTS, model=Product, fields=setup.PRODUCT_FIELDS,
            errors_of=setup.product_errors, create=partial(setup.product_create, actor=actor),
            update=lambda current, values: setup.product_update(actor=actor, product=current, **values)))
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
        raise RowProblem(field_problems(PLANS, errors), row.line)
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
            raise RowProblem(field_problems(PLANS, errors), row.line)
        write = lambda spec=spec: setup.commission_plan_version_add(actor=actor, plan=plan, **spec)  # noqa: E731
        planned.append(Planned(row.line, _label(plan.code, spec), "create", write=write))
        if rename:
            planned.append(_rename(row, plan, name, actor))
    return planned


def _rename(row: Row, plan: CommissionPlan, name: str, actor) -> Planned:
    return Planned(row.line, plan.code, "update", label_changes(PLANS, {"name": None}),
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
