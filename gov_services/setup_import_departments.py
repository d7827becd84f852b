"""Importing departments from a CSV/XLSX file (demo/data/departments.csv), each row created or updated
(matched by department code) through the services the department screens use. The columns are in
gov_services/setup_import.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from core.import_jobs import Progress
from core.spreadsheets import Column, ImportReport, Problem, code_text
from gov_services.catalogue.cells import parse_bool
from gov_services.models import Department
from gov_services.selectors import departments as selectors
from gov_services.services import departments as services
from gov_services.setup_import_rows import Plan, apply_plans, read_rows
from stations.regions import codes as region_codes

DEPARTMENT_COLUMNS = [Column(key, header, aliases, required=key in ("code", "name", "level", "region"))
                      for key, header, aliases in [
    ("code", "部门编码", ("编码", "code", "department code")),
    ("name", "部门名称", ("名称", "name", "department")),
    ("level", "层级", ("级别", "level")),
    ("region", "所属区划", ("区划代码", "区划", "region", "region code")),
    ("phone", "服务电话", ("电话", "phone")),
    ("is_dispatch_desk", "调度中心", ("是否调度中心", "dispatch desk", "is_dispatch_desk")),
]]
LEVEL_WORDS = {"市直": "city", "市级": "city", "市": "city", "city": "city", "县级": "county", "县直": "county",
               "县": "county", "county": "county", "乡镇": "township", "乡镇级": "township", "镇": "township",
               "乡": "township", "township": "township"}


def department_import(*, file, filename: str, actor: User, dry_run: bool,
                      progress: Progress | None = None) -> ImportReport:
    rows, header, report = read_rows(file, filename, DEPARTMENT_COLUMNS, progress)
    if rows is None:
        return report
    regions = {division_code(r.code): r for r in selectors.setup_region_choices(user=actor)}
    codes = [header.cell(cells, "code").strip() for _line, cells in rows]
    mine = {d.code: d for d in selectors.setup_department_list(user=actor).filter(code__in=codes)}
    others = set(Department.objects.filter(code__in=codes).exclude(code__in=mine).values_list("code", flat=True))
    plans, problems, seen = [], [], {}
    for line, cells in rows:
        def bad(key, message, line=line):
            problems.append(Problem(line, header.label(key) if key else "", message))

        values = {}
        for key in ("code", "name", "phone"):
            try:
                values[key] = code_text(header.cell(cells, key)) if key == "code" else header.cell(cells, key).strip()
            except ValidationError as error:
                bad(key, error.messages[0])
        for key in ("code", "name"):
            if key in values and not values[key]:
                bad(key, _("This cell may not be empty."))
        level = LEVEL_WORDS.get(header.cell(cells, "level").strip().lower())
        if level is None:
            bad("level", _("Unknown level “%(value)s”; use 市直, 县级 or 乡镇.") % {"value": header.cell(cells, "level")})
        region = regions.get(division_code(header.cell(cells, "region")))
        if region is None:
            bad("region", _("No city, county or township with the code “%(code)s” where you set up departments.")
                % {"code": header.cell(cells, "region")})
        if header.has("is_dispatch_desk"):
            try:
                values["is_dispatch_desk"] = parse_bool(header.cell(cells, "is_dispatch_desk"))
            except ValidationError as error:
                bad("is_dispatch_desk", error.messages[0])
        code = values.get("code")
        if code in seen:
            bad("code", _("Department code “%(code)s” already appears on line %(line)d.") % {"code": code,
                                                                                          "line": seen[code]})
        elif code:
            seen[code] = line
        if code in others:
            bad("code", _("Department code “%(code)s” belongs to a department outside your county.") % {"code": code})
        if any(p.line == line for p in problems):
            continue
        values.update(level=level, region=region)
        if region.level != level:
            bad("region", _("A %(level)s department serves a region of that level, not %(region)s.")
                % {"level": Department.Level(level).label, "region": region.name})
            continue
        current = mine.get(code)
        text = _("Line %(line)d: %(code)s %(name)s") % {"line": line, "code": code, "name": values["name"]}
        if current is None:
            candidate = Department(**values)
            try:
                candidate.full_clean()
            except ValidationError as error:
                problems.extend(Problem(line, "", m) for m in error.messages)
                continue
            plans.append(Plan(line, "create", text, values))
        else:
            changed = [k for k in services.DEPARTMENT_EDITABLE if k in values and getattr(current, k) != values[k]]
            plans.append(Plan(line, "update" if changed else "unchanged", text,
                              {"department": current, **{k: values[k] for k in changed}}))
    if problems:
        return report.refuse(problems)

    def write(plans):
        for plan in plans:
            if plan.kind == "create":
                services.department_create(actor=actor, **plan.values)
            elif plan.kind == "update":
                values = dict(plan.values)
                services.department_update(department=values.pop("department"), actor=actor, **values)

    return apply_plans(plans, write, actor=actor, report=report, dry_run=dry_run, progress=progress,
                       action="departments.imported", filename=filename)


def division_code(text: str) -> str:
    """A region's code in its 12-digit form, so that 130225, 130225000 and 130225000000 name one region
    however the tree stores it; text that is no division code, as it is."""
    text = text.strip()
    try:
        return region_codes.canonical(text)
    except ValidationError:
        return text
