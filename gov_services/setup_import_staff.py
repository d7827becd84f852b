"""Importing staff from a CSV/XLSX file (demo/data/staff.csv), each row a post given through the services
the staff screens use. The columns and the rules for accounts are in gov_services/setup_import.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User, mainland_mobile
from accounts.roles import Role
from accounts.services import phone_account, staff_account_create
from core.import_jobs import Progress
from core.masking import mask_mobile
from core.spreadsheets import Column, ImportReport, Problem, code_text
from gov_services.selectors import departments as selectors
from gov_services.services import departments as services
from gov_services.setup_import_rows import Plan, apply_plans, read_rows
from stations import selectors as station_selectors
from stations.models import Region, StaffAssignment, Station
from stations.regions import codes as region_codes
from stations.scope import scope_for
from stations.services import station_staff_add
from stations.services_admins import admin_post_give

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


def staff_import(*, file, filename: str, actor: User, dry_run: bool,
                 progress: Progress | None = None) -> ImportReport:
    rows, header, report = read_rows(file, filename, STAFF_COLUMNS, progress)
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
            plans.append(Plan(line, "unchanged", label))
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
        plans.append(Plan(line, "create", label, {"role": role, "place": place, "account": holder,
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

    return apply_plans(plans, write, actor=actor, report=report, dry_run=dry_run, progress=progress,
                       action="staff.imported", filename=filename)


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
