"""The demo county's master data (乐亭县 under 唐山市, modelled on the Laoting seed), set up the way a real
county sets itself up (README: "Setting up a real county"): from the spreadsheets in demo/data/, through
the imports behind the set-up screens (demo/seeding/imports.py).

The superuser imports the administrative tree and uploads the township outlines; the superuser appoints
the county's admins; the county admin imports the stations, the departments and their staff, sets up the
grids and imports the households. What the files do not hold stays here: who the admins are, the grids
and their liaisons, the appeal routing rules, and which of the people the staff file brings in sign in
under the short names the logins table prints. All of it happens "at" SET_UP_AT, so every post begins
before the demo's history.

Idempotent: the imports find their earlier jobs; everything else is looked up before it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q

from accounts.models import User
from core.spreadsheets import read_table
from demo.seeding.clock import SET_UP_AT, at
from demo.seeding.imports import demo_file, import_demo_file
from demo.seeding.people import demo_login, demo_password_hash, demo_user
from gov_services.models import Department, DepartmentMembership, RoutingRule
from gov_services.services.routing import routing_rule_create
from gov_services.setup_import import (
    DEPARTMENT_IMPORT,
    STAFF_IMPORT,
    setup_import_apply,
    setup_import_job_run,
    setup_import_preview,
)
from stations.models import Grid, Region, StaffAssignment, Station
from stations.regions import codes, import_file
from stations.regions.importer import region_import_apply_submit, region_import_job_run, region_import_submit
from stations.services import staff_assign
from stations.services_households import (
    grid_create,
    household_import_apply,
    household_import_job_run,
    household_import_submit,
)
from stations.services_map import township_outlines_save
from stations.station_import import station_import_apply, station_import_job_run, station_import_preview

REGIONS, OUTLINES, STATIONS = "regions.csv", "township-outlines.geojson", "stations.csv"
DEPARTMENTS, STAFF, HOUSEHOLDS = "departments.csv", "staff.csv", "households.csv"

# The county's admins, appointed by the superuser: (username, name, mobile, role, where: the county or its
# first township). county_finance is a second county admin, so that commission statements are approved by
# someone other than their maker.
ADMINS = [
    ("county_admin", "王建国", "13930000001", StaffAssignment.Role.COUNTY_ADMIN, "county"),
    ("township_admin", "李淑珍", "13930000002", StaffAssignment.Role.TOWNSHIP_ADMIN, "township"),
    ("county_finance", "赵会计", "13930000003", StaffAssignment.Role.COUNTY_ADMIN, "county"),
]
# Where the demo's own sign-ins work: the operator and liaison of this station, the head and an officer
# of this department (the staff file names them by mobile number; the logins table by these names).
DEMO_STATION, DEMO_DEPARTMENT = "LT001", "LT-MZJ"
# Every station with a liaison has two grids: the first walked by its liaison, the second by no one yet.
GRIDS = ("第一网格", "第二网格")
# Appeals by category (and keyword) to a department; the rest go to the dispatch desk (Laoting's 县级平台).
ROUTING = [("help", "LT-MZJ", ""), ("rights", "LT-RSJ", ""), ("complaint", "LT-SJJ", ""),
           ("complaint", "LT-ZJJ", "路灯"), ("consultation", "LT-YBJ", "报销")]


@dataclass
class DemoCounty:
    admin: User  # the superuser
    city: Region
    county: Region
    townships: list[Region] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)

    @property
    def county_admin(self) -> User:
        return User.objects.get(username="county_admin")


def seed_regions(progress) -> DemoCounty:
    """The superuser imports the administrative tree and uploads the townships' outlines."""
    admin = demo_user("admin", "系统管理员", "", is_staff=True, is_superuser=True)
    with at(SET_UP_AT):
        import_demo_file(
            REGIONS, run=region_import_job_run,
            submit=lambda upload, key: region_import_submit(user=admin, upload=upload, idempotency_key=key),
            apply=lambda check, key: region_import_apply_submit(user=admin, checked=check, idempotency_key=key))
        township_outlines_save(actor=admin, data=demo_file(OUTLINES))  # an unchanged outline is not written
    county = _region_of_file(codes.COUNTY)
    demo = DemoCounty(admin=admin, city=_region_of_file(codes.CITY), county=county,
                      townships=list(county.get_children().filter(level=Region.Level.TOWNSHIP).order_by("code")))
    progress.step("regions")
    return demo


def _region_of_file(tier: str) -> Region:
    """The region of the regions file's (only) row at `tier`, read as the import reads it."""
    rows, _problems, _ignored = import_file.parse_rows(read_table(demo_file(REGIONS), REGIONS, caps=import_file.CAPS))
    code = next(row.code for row in rows if row.tier == tier)
    return Region.objects.get(code__in=codes.short_forms(code))


def seed_admins(demo: DemoCounty, progress) -> None:
    where = {"county": demo.county, "township": demo.townships[0]}
    with at(SET_UP_AT):
        for username, name, phone, role, place in ADMINS:
            user = demo_user(username, name, phone)
            if not StaffAssignment.objects.filter(user=user, role=role, region=where[place]).exists():
                staff_assign(user=user, role=role, region=where[place], actor=demo.admin)
    progress.step("admins")


def seed_stations(demo: DemoCounty, progress) -> None:
    """The county admin imports the stations."""
    admin = demo.county_admin
    with at(SET_UP_AT):
        import_demo_file(
            STATIONS, run=station_import_job_run,
            submit=lambda upload, key: station_import_preview(user=admin, upload=upload, idempotency_key=key),
            apply=lambda check, key: station_import_apply(user=admin, preview_id=check.pk, idempotency_key=key))
    demo.stations = list(Station.objects.filter(village__path__startswith=demo.county.path)
                         .select_related("village").order_by("code"))
    progress.step("stations")


def _setup_import(name: str, kind: str, admin: User) -> None:
    import_demo_file(
        name, run=setup_import_job_run,
        submit=lambda upload, key: setup_import_preview(kind=kind, user=admin, upload=upload, idempotency_key=key),
        apply=lambda check, key: setup_import_apply(kind=kind, user=admin, preview_id=check.pk, idempotency_key=key))


def seed_departments(demo: DemoCounty, progress) -> None:
    """The county admin imports the departments and sets up the appeal routing rules."""
    admin = demo.county_admin
    with at(SET_UP_AT):
        _setup_import(DEPARTMENTS, DEPARTMENT_IMPORT, admin)
        for category, department, keyword in ROUTING:
            if not RoutingRule.objects.filter(county=demo.county, category=category, keyword=keyword,
                                              region=None).exists():
                routing_rule_create(actor=admin, county=demo.county, category=category, keyword=keyword,
                                    department=Department.objects.get(code=department))
    progress.step("departments")


def seed_staff(demo: DemoCounty, progress) -> None:
    """The county admin imports the operators, liaisons, officers and heads; the accounts the import made
    get the published password, and the demo's own sign-ins their short names."""
    with at(SET_UP_AT):
        _setup_import(STAFF, STAFF_IMPORT, demo.county_admin)
    posts = StaffAssignment.objects.active().filter(station__code=DEMO_STATION).select_related("user")
    members = DepartmentMembership.objects.active().filter(department__code=DEMO_DEPARTMENT).select_related("user")
    sign_ins = {
        "operator": posts.filter(role=StaffAssignment.Role.OPERATOR).order_by("pk").first(),
        "liaison": posts.filter(role=StaffAssignment.Role.LIAISON).order_by("pk").first(),
        "dept_head": members.filter(is_head=True).order_by("pk").first(),
        "officer": members.filter(is_head=False).order_by("pk").first(),
    }
    for username, post in sign_ins.items():
        if post is not None:
            demo_login(post.user, username=username)
    staff = Q(staff_assignments__station__village__path__startswith=demo.county.path) | Q(
        department_memberships__department__region__path__startswith=demo.city.path)
    User.objects.filter(staff, password__startswith=UNUSABLE_PASSWORD_PREFIX).update(password=demo_password_hash())
    progress.step("staff")


def seed_grids(demo: DemoCounty, progress) -> None:
    """The county admin sets up two grids at every station with a liaison, and imports the households."""
    admin = demo.county_admin
    liaisons = {post.station_id: post.user for post in StaffAssignment.objects.active().filter(
        role=StaffAssignment.Role.LIAISON, station__in=demo.stations).select_related("user").order_by("pk")}
    with at(SET_UP_AT):
        for station in demo.stations:
            if station.pk not in liaisons:
                continue
            have = set(Grid.objects.filter(station=station).values_list("name", flat=True))
            for number, name in enumerate(GRIDS):
                if name not in have:
                    grid_create(station=station, name=name, liaison=liaisons[station.pk] if number == 0 else None,
                                actor=admin)
        import_demo_file(
            HOUSEHOLDS, run=household_import_job_run,
            submit=lambda upload, key: household_import_submit(user=admin, upload=upload, idempotency_key=key),
            apply=lambda check, key: household_import_apply(user=admin, preview=check, idempotency_key=key))
    progress.step("grids and households")
