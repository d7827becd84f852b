"""The world's places and people: each county's townships, villages, stations and departments, the people
who play the roles on each side, the editor and the superuser; and the grids with their households and
imports."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.access.world.base import Side, World, id_numbers, make_user
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    StaffAssignmentFactory,
    StationFactory,
    region,
    valid_id_number,
)


def add_places(world: World, name: str) -> Side:
    side = Side(name)
    city = region("city", name=f"{name}市")
    side.county = region("county", city, name=f"{name}县")
    world.add("county", side.county, tags={"county": name})
    for t in (1, 2):
        township = region("township", side.county, name=f"{name}县{t}镇")
        side.townships[f"T{t}"] = township
        world.add("township", township, tags={"county": name, "township": f"{name}.T{t}"})
        for v in (1, 2):
            village = region("village", township, name=f"{name}县{t}镇{v}村")
            key = f"S{t}{v}"
            station = StationFactory(village=village, services=["gov_errands", "bill_payment", "shop_pickup"])
            side.stations[key] = station
            world.add("station", station, tags=side.tags_of_station(key))
            operator = make_user(Role.OPERATOR, full_name=f"{name}{key}代办员")
            assignment = StaffAssignmentFactory(user=operator, role="operator", station=station)
            side.operators[key] = operator
            world.add("staff_assignment", assignment, tags=side.tags_of_station(key), station=station.pk)

    side.departments["D1"] = DepartmentFactory(region=side.county, name=f"{name}县民政局", phone="0315-1234567",
                                               is_dispatch_desk=True)
    side.departments["D2"] = DepartmentFactory(region=side.townships["T2"], level="township",
                                               name=f"{name}县2镇便民服务中心")
    for key, department in side.departments.items():
        tags = {"county": name, "department": f"{name}.{key}"}
        if key == "D2":
            tags["township"] = f"{name}.T2"
        world.add("department", department, tags=tags)

    users = side.users
    users["operator"] = side.operators["S11"]
    users["liaison"] = make_user(Role.LIAISON, full_name=f"{name}联络员")
    StaffAssignmentFactory(user=users["liaison"], role="liaison", station=side.stations["S11"])
    from stations.services import grid_create

    grid_create(station=side.stations["S11"], name="第一网格", liaison=users["liaison"], actor=None)
    users["officer"] = make_user(Role.OFFICER, full_name=f"{name}科员")
    users["department_head"] = make_user(Role.OFFICER, full_name=f"{name}局长")
    DepartmentMembershipFactory(department=side.departments["D1"], user=users["officer"])
    DepartmentMembershipFactory(department=side.departments["D1"], user=users["department_head"], is_head=True)
    d2_officer = make_user(Role.OFFICER, full_name=f"{name}镇科员")
    DepartmentMembershipFactory(department=side.departments["D2"], user=d2_officer, is_head=True)
    users["d2_officer"] = d2_officer
    users["township_admin"] = make_user(Role.TOWNSHIP_ADMIN, full_name=f"{name}镇管理员")
    post = StaffAssignmentFactory(user=users["township_admin"], role="township_admin", region=side.townships["T1"])
    world.add("admin_post", post, tags={"county": name, "township": f"{name}.T1"})
    users["county_admin"] = make_user(Role.COUNTY_ADMIN, full_name=f"{name}县管理员")
    StaffAssignmentFactory(user=users["county_admin"], role="county_admin", region=side.county)
    users["county_finance"] = make_user(Role.COUNTY_ADMIN, full_name=f"{name}县会计")
    StaffAssignmentFactory(user=users["county_finance"], role="county_admin", region=side.county)
    users["resident"] = make_user(Role.RESIDENT, full_name=f"{name}村民")
    return side


def add_roles_without_place(world: World) -> None:
    editor = make_user(None, full_name="编辑")
    editor.groups.add(Group.objects.get(name="Editors"))
    world.actors["editor"] = editor
    world.actors["superuser"] = make_user(None, full_name="超级管理员", is_superuser=True, is_staff=True)


GRID_STATIONS = (("A", "S11"), ("A", "S12"), ("A", "S21"), ("B", "S11"))
HOUSEHOLD_FILE = ("服务站编码,网格,门牌号,户主姓名,成员姓名,身份证号,与户主关系\n"
                  "{station},第一网格,矩阵-1,王秀英,王秀英,{id_number},户主\n")


def add_grids(world: World) -> None:
    """A grid with one household at S11 (the grid add_places set up, walked by the liaison), S12 and S21 of county
    A and S11 of B; and each of county A's region admins' household imports, checked by a dry run and ready to
    apply (stations/services_households.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stations.models import Grid
    from stations.services_households import (
        grid_create,
        household_create,
        household_import_job_run,
        household_import_submit,
    )

    for name, key in GRID_STATIONS:
        side = world.sides[name]
        station = side.stations[key]
        grid = Grid.objects.filter(station=station).first() or grid_create(
            station=station, name="第一网格", liaison=None, actor=None)
        world.add("grid", grid, tags=side.tags_of_station(key))
        household = household_create(grid=grid, house_number="1号", head_name="张建国", phone="13900000001",
                                     elderly_alone=True, actor=None, members=[
                                         {"name": "张建国", "id_number": valid_id_number(next(id_numbers)),
                                          "relation": "head", "phone": ""}])
        world.add("household", household, tags=side.tags_of_station(key))
    a = world.sides["A"]
    for role in ("township_admin", "county_admin", "county_finance", "superuser"):
        text = HOUSEHOLD_FILE.format(station=a.stations["S11"].code, id_number=valid_id_number(next(id_numbers)))
        job = household_import_submit(user=world.actors[role], idempotency_key=uuid.uuid4(),
                                      upload=SimpleUploadedFile("households.csv", text.encode()))
        job = household_import_job_run(job_id=job.pk)  # what Celery does after the commit
        assert job.status == "done" and job.result["created"] == 1, (job.error, job.result)
        world.add("household_import", job, tags={"county": "A", "user": f"A.{role}"})
