"""Importing departments and staff from CSV/XLSX files, previewed before they are applied
(core/import_jobs.py). Every row is checked first; one bad row and nothing is written; rows go through
the services the screens use (scope, validation, audit); re-importing the same file changes nothing.

Departments (demo/data/departments.csv): 部门编码* | 部门名称* | 层级* (市直 / 县级 / 乡镇) |
所属区划* (the city's, county's or township's division code) | 服务电话 | 调度中心 (是 / 否).

Staff (demo/data/staff.csv): 姓名* | 手机号* | 角色* (代办员 / 联络员 / 科员 / 部门负责人 / 乡镇管理员 / 县级管理员) |
服务站编码 (for 代办员 and 联络员) | 部门编码 (for 科员 and 部门负责人) | 已有账号 | 所属区划 (for 乡镇管理员 the
township's division code; for 县级管理员 the county's, which may be left empty by an admin of one county; the
column may be left out of a file without admins). A row whose number has no account makes a new
account (rows of the file with the same number and name are that one new person); its password is issued
by the admin on the staff page. A number that already has an account never gives that account a post: the
row is refused unless the account already holds exactly that post (a re-import), or the row names the
account in 已有账号 — the explicit choice that lets one person hold several posts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User, mainland_mobile
from accounts.roles import Role
from accounts.services import phone_account, staff_account_create
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_CHECKING,
    STEP_SAVING,
    Progress,
    import_job_apply,
    import_job_is_preview,
    import_job_preview_submit,
    import_job_run,
    reading_progress,
)
from core.masking import mask_mobile
from core.models import ImportJob
from core.spreadsheets import (
    Caps,
    Column,
    ImportReport,
    Problem,
    SpreadsheetError,
    code_text,
    map_headers,
    read_table,
)
from gov_services.catalogue_io import parse_bool
from gov_services.models import Department
from gov_services.selectors import departments as selectors
from gov_services.services import departments as services
from stations import selectors as station_selectors
from stations.models import Region, StaffAssignment, Station
from stations.regions import codes as region_codes
from stations.scope import scope_for
from stations.services import station_staff_add
from stations.services_admins import admin_post_give

DEPARTMENT_IMPORT = "gov_services.departments"
STAFF_IMPORT = "gov_services.staff"
CAPS = Caps(max_bytes=5 * 2**20, max_rows=5000, max_columns=20, max_cell_chars=500)

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

STAFF_COLUMNS = [Column(key, header, aliases, required=key in ("full_name", "phone", "role"))
                 for key, header, aliases in [
    ("full_name", "姓名", ("name", "full name", "full_name")),
    ("phone", "手机号", ("手机", "手机号码", "phone", "mobile")),
    ("role", "角色", ("岗位", "role")),
    ("station", "服务站编码", ("服务站", "station", "station code")),
    ("department", "部门编码", ("部门", "department", "department code")),
    ("account", "已有账号", ("账号", "account", "username")),
    ("region", "所属区划", ("区划代码", "乡镇代码", "区划", "region", "region code")),
]]
STATION_ROLES = {"代办员": "operator", "operator": "operator", "联络员": "liaison", "民情联络员": "liaison",
                 "网格联络员": "liaison", "liaison": "liaison"}
DEPARTMENT_ROLES = {"科员": "officer", "部门科员": "officer", "工作人员": "officer", "officer": "officer",
                    "部门负责人": "head", "负责人": "head", "head": "head"}
ADMIN_ROLES = {"乡镇管理员": "township_admin", "乡镇级管理员": "township_admin", "township admin": "township_admin",
               "township_admin": "township_admin", "县级管理员": "county_admin", "县管理员": "county_admin",
               "county admin": "county_admin", "county_admin": "county_admin"}
ROLE_LABELS = {"operator": "代办员", "liaison": "联络员", "officer": "科员", "head": "部门负责人",
               "township_admin": "乡镇管理员", "county_admin": "县级管理员"}


# --- submitting and running ---------------------------------------------------------------------------------

def _enqueue(job_id: int) -> None:
    from gov_services.tasks.setup import setup_import_job

    setup_import_job.delay(job_id)


def setup_import_preview(*, kind: str, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    return import_job_preview_submit(user=user, kind=kind, params={}, upload=upload,
                                     idempotency_key=idempotency_key, enqueue=_enqueue)


def setup_import_apply(*, kind: str, user: User, preview_id: int, idempotency_key: uuid.UUID) -> ImportJob:
    return import_job_apply(user=user, preview_job_id=preview_id, kind=kind, idempotency_key=idempotency_key,
                            enqueue=_enqueue)


def setup_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        importer = department_import if job.kind == DEPARTMENT_IMPORT else staff_import
        return importer(file=file, filename=job.filename, actor=job.user, progress=progress,
                        dry_run=import_job_is_preview(job))

    return import_job_run(job_id=job_id, run=run)


def _read(file, filename, columns, progress):
    """(rows, header map, report) or (None, None, a refusing report)."""
    try:
        table = read_table(file, filename, caps=CAPS, progress=reading_progress(progress))
    except SpreadsheetError as error:
        return None, None, ImportReport(problems=[Problem(None, "", str(error))])
    if progress is not None:
        progress(60, STEP_CHECKING)
    header = map_headers(table.headers, columns)
    report = ImportReport(rows=len(table.rows), ignored_columns=header.ignored)
    if header.problems or not table.rows:
        return None, None, report.refuse(header.problems or [Problem(None, "", _("The file has a header but no rows."))])
    return table.rows, header, report


def _apply(plans, write, *, actor, report, dry_run, progress, action, filename) -> ImportReport:
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
class _Plan:
    line: int
    kind: str  # create | update | unchanged
    text: str
    values: dict = field(default_factory=dict)


# --- departments --------------------------------------------------------------------------------------------

def department_import(*, file, filename: str, actor: User, dry_run: bool,
                      progress: Progress | None = None) -> ImportReport:
    rows, header, report = _read(file, filename, DEPARTMENT_COLUMNS, progress)
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
            plans.append(_Plan(line, "create", text, values))
        else:
            changed = [k for k in services.DEPARTMENT_EDITABLE if k in values and getattr(current, k) != values[k]]
            plans.append(_Plan(line, "update" if changed else "unchanged", text,
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

    return _apply(plans, write, actor=actor, report=report, dry_run=dry_run, progress=progress,
                  action="departments.imported", filename=filename)


# --- staff --------------------------------------------------------------------------------------------------

def staff_import(*, file, filename: str, actor: User, dry_run: bool,
                 progress: Progress | None = None) -> ImportReport:
    rows, header, report = _read(file, filename, STAFF_COLUMNS, progress)
    if rows is None:
        return report
    stations = {s.code: s for s in Station.objects.filter(
        scope_for(actor).q(place="village__path", county_only=True)).select_related("village")}
    departments = {d.code: d for d in selectors.setup_department_list(user=actor)}
    regions = {region_codes.canonical(r.code): r for r in station_selectors.admin_post_region_choices(user=actor)}
    accounts = {u.username: u for u in selectors.staff_account_list(user=actor)}
    plans, problems, new_people, seen_posts = [], [], {}, {}
    for line, cells in rows:
        def bad(key, message, line=line):
            problems.append(Problem(line, header.label(key) if key else "", message))

        name, phone = header.cell(cells, "full_name").strip(), header.cell(cells, "phone").strip()
        if not name:
            bad("full_name", _("This cell may not be empty."))
        try:
            mainland_mobile(phone)
        except ValidationError as error:
            bad("phone", error.messages[0])
        post = _staff_post(header.cell(cells, "role"), header.cell(cells, "station"),
                           header.cell(cells, "department"), header.cell(cells, "region"), stations, departments,
                           regions)
        if isinstance(post[0], str) and post[0] in ("role", "station", "department", "region"):
            bad(post[0], post[1])
        account_name = header.cell(cells, "account").strip()
        account = accounts.get(account_name) if account_name else None
        if account_name and account is None:
            bad("account", _("“%(account)s” is not the account of anyone who works at your stations or departments.")
                % {"account": account_name})
        if any(p.line == line for p in problems):
            continue
        role, place = post
        if account is not None and account.phone and account.phone != phone:
            bad("phone", _("The account %(account)s signs in with another number.") % {"account": account_name})
            continue
        holder = account or phone_account(phone)
        key = (role, place.pk, holder.pk if holder else phone)
        if key in seen_posts:
            bad("role", _("The same post for the same person already appears on line %(line)d.")
                % {"line": seen_posts[key]})
            continue
        seen_posts[key] = line
        label = _("Line %(line)d: %(name)s %(phone)s → %(role)s · %(place)s") % {
            "line": line, "name": name, "phone": mask_mobile(phone), "role": _role_label(role), "place": place}
        held = holder is not None and _holds(holder, role, place)
        if held is True:
            plans.append(_Plan(line, "unchanged", label))
            continue
        if isinstance(held, str):
            bad("role", held)
            continue
        if holder is not None and account is None:
            hint = (_(" If it is the same person, write %(account)s in the column 已有账号.") % {"account": holder.username}
                    if holder.username in accounts else "")
            bad("phone", _("This mobile number already belongs to an account, which is never given a post because "
                           "a number matched.") + hint)
            continue
        if holder is None:
            first = new_people.setdefault(phone, (name, line))
            if first[0] != name:
                bad("full_name", _("Line %(line)d gives this number to %(name)s.") % {"line": first[1],
                                                                                     "name": first[0]})
                continue
            label += _(" (new account)") if first[1] == line else ""
        plans.append(_Plan(line, "create", label, {"role": role, "place": place, "account": holder,
                                                   "full_name": name, "phone": phone}))
    if problems:
        return report.refuse(problems)

    def write(plans):
        created: dict[str, User] = {}
        for plan in plans:
            if plan.kind != "create":
                continue
            values = plan.values
            account = values["account"] or created.get(values["phone"])
            if account is None:
                account, _password = staff_account_create(full_name=values["full_name"], phone=values["phone"],
                                                          actor=actor, with_password=False)
                created[values["phone"]] = account
            if isinstance(values["place"], Station):
                station_staff_add(station=values["place"], role=values["role"], account=account, actor=actor)
            elif isinstance(values["place"], Region):
                admin_post_give(region=values["place"], role=values["role"], account=account, actor=actor)
            else:
                services.department_member_add(department=values["place"], user=account, actor=actor,
                                               is_head=values["role"] == "head")

    return _apply(plans, write, actor=actor, report=report, dry_run=dry_run, progress=progress,
                  action="staff.imported", filename=filename)


def division_code(text: str) -> str:
    """A region's code in its 12-digit form, so that 130225, 130225000 and 130225000000 name one region
    however the tree stores it; text that is no division code, as it is."""
    text = text.strip()
    try:
        return region_codes.canonical(text)
    except ValidationError:
        return text


def _staff_post(role_text, station_code, department_code, region_code, stations, departments, regions):
    """(role, Station, Department or Region), or (column key, message)."""
    word = role_text.strip().lower()
    station_code, department_code, region_code = station_code.strip(), department_code.strip(), region_code.strip()
    if word in STATION_ROLES:
        station = stations.get(station_code)
        if station is None:
            return "station", (_("No station with the code “%(code)s” in your county.") % {"code": station_code}
                               if station_code else _("A 代办员 or 联络员 needs a station code."))
        if station.status == Station.Status.CLOSED:
            return "station", _("%(station)s is closed.") % {"station": station.name}
        return STATION_ROLES[word], station
    if word in DEPARTMENT_ROLES:
        department = departments.get(department_code)
        if department is None:
            return "department", (_("No department with the code “%(code)s” that you set up.")
                                  % {"code": department_code} if department_code
                                  else _("A 科员 or 部门负责人 needs a department code."))
        if not department.is_active:
            return "department", _("%(department)s is no longer active.") % {"department": department.name}
        return DEPARTMENT_ROLES[word], department
    if word in ADMIN_ROLES:
        return _admin_post(ADMIN_ROLES[word], region_code, regions)
    return "role", _("Unknown role “%(value)s”; use 代办员, 联络员, 科员, 部门负责人, 乡镇管理员 or 县级管理员.") % {
        "value": role_text}


def _admin_post(role: str, region_code: str, regions: dict[str, Region]):
    """A 乡镇管理员 names their township by its division code in 所属区划; a 县级管理员 their county (or nothing,
    when the importing admin has one county)."""
    level = StaffAssignment.REGION_LEVEL[role]
    if not region_code:
        counties = [region for region in regions.values() if region.level == Region.Level.COUNTY]
        if role == Role.COUNTY_ADMIN and len(counties) == 1:
            return role, counties[0]
        return "region", (_("A 乡镇管理员 needs the township's division code.") if role == Role.TOWNSHIP_ADMIN
                          else _("A 县级管理员 needs the county's division code."))
    try:
        region = regions.get(region_codes.canonical(code_text(region_code)))
    except ValidationError as error:
        return "region", error.messages[0]
    if region is None or region.level != level:
        return "region", (_("No township with the code “%(code)s” in your county.") if role == Role.TOWNSHIP_ADMIN
                          else _("“%(code)s” is not the code of your county.")) % {"code": region_code}
    return role, region


def _role_label(role: str) -> str:
    return ROLE_LABELS[role]


def _holds(user: User, role: str, place) -> bool | str:
    """True when `user` holds exactly this post; a message when they hold it otherwise (officer ↔ head)."""
    if isinstance(place, (Station, Region)):
        return place.staff.active().filter(user=user, role=role).exists()
    membership = place.memberships.active().filter(user=user).first()
    if membership is None:
        return False
    if membership.is_head == (role == "head"):
        return True
    return _("%(user)s is already a member of %(department)s as %(role)s; an import does not change it: change "
             "between officer and head on the staff page.") % {
        "user": user, "department": place.name, "role": _role_label("head" if membership.is_head else "officer")}
