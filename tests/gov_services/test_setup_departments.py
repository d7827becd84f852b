"""Setting up departments and staff: county, township and city-level departments, their officers
and heads, staff accounts made explicitly, imports previewed then applied — within the admin's county."""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from demo.seeding.county import seed_regions
from gov_services.models import Department, DepartmentMembership
from gov_services.services import departments as services
from gov_services.setup_import_departments import department_import
from gov_services.setup_import_staff import staff_import
from stations.station_import import station_import
from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    StaffAssignmentFactory,
    UserFactory,
    county_tree,
)

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"


def _create(actor, region, level="county", code="NEW-1"):
    return services.department_create(code=code, name="新部门", level=level, region=region, actor=actor)


# --- departments -------------------------------------------------------------------------------------------

def test_a_county_admin_sets_up_county_township_and_city_level_departments(tree, county_admin):
    assert _create(county_admin, tree["county"]).level == "county"
    assert _create(county_admin, tree["townships"][0], "township", "NEW-2").region == tree["townships"][0]
    city_level = _create(county_admin, tree["city"], "city", "NEW-3")
    assert city_level.level == "city"
    assert services.department_update(department=city_level, actor=county_admin, phone="0315-1") == {
        "phone": ["", "0315-1"]}


def test_a_department_of_another_county_or_a_wrong_level_is_refused(tree, county_admin):
    elsewhere = county_tree()
    with pytest.raises(PermissionDenied):
        _create(county_admin, elsewhere["county"])
    with pytest.raises(PermissionDenied):  # another county's city
        _create(county_admin, elsewhere["city"], "city")
    with pytest.raises(ValidationError) as wrong_level:
        _create(county_admin, tree["county"], "township")
    assert "region" in wrong_level.value.message_dict
    assert not Department.objects.filter(code="NEW-1").exists()


def test_township_admins_and_officers_set_up_no_departments(tree, township_admin, officer):
    for actor in (township_admin, officer):
        with pytest.raises(PermissionDenied):
            _create(actor, tree["townships"][0], "township")
    assert not Department.objects.filter(code="NEW-1").exists()


def test_editing_with_the_same_values_writes_nothing(department, county_admin):
    assert services.department_update(department=department, actor=county_admin, name=department.name) == {}


def test_a_department_with_active_items_is_not_deactivated(department, county_admin, officer):
    ServiceItemFactory(department=department)
    with pytest.raises(ValidationError):
        services.department_active_set(department=department, active=False, actor=county_admin)
    department.refresh_from_db()
    assert department.is_active and department.memberships.active().count() == 1


def test_deactivating_an_idle_department_ends_its_members_posts(client, department, county_admin, officer):
    services.department_active_set(department=department, active=False, actor=county_admin, reason="机构改革")
    department.refresh_from_db()
    assert not department.is_active and not department.memberships.active().exists()
    client.force_login(officer)
    assert client.get(reverse("gov_services:dept-home")).status_code == 403
    with pytest.raises(ValidationError):
        services.department_member_add(department=department, actor=county_admin, full_name="新人",
                                       phone="13800009999")


# --- members -----------------------------------------------------------------------------------------------

def test_a_new_officer_gets_an_account_with_a_one_time_password(department, county_admin):
    membership = services.department_member_add(department=department, actor=county_admin, full_name="钱科员",
                                                phone="13800001234", is_head=True)
    user = membership.user
    assert user.username == "13800001234" and user.check_password(membership.initial_password)
    assert "officer" in user.roles and membership.is_head


def test_a_number_that_already_has_an_account_is_refused_and_that_account_gains_nothing(department, county_admin,
                                                                                         resident):
    resident.phone = "13800005678"
    resident.save()
    with pytest.raises(ValidationError) as refused:
        services.department_member_add(department=department, actor=county_admin, full_name="冒名",
                                       phone="13800005678")
    assert "phone" in refused.value.message_dict
    resident.refresh_from_db()
    assert not DepartmentMembership.objects.filter(user=resident).exists() and "officer" not in resident.roles


def test_an_operator_chosen_explicitly_also_becomes_an_officer(client, department, county_admin, operator):
    services.department_member_add(department=department, actor=county_admin, user=operator)
    client.force_login(operator)
    assert client.get(reverse("gov_services:dept-home")).status_code == 200
    assert client.get(reverse("stations:counter-home")).status_code == 200


def test_an_officer_who_leaves_loses_the_queue_on_their_next_request(client, department, county_admin, officer):
    client.force_login(officer)
    assert client.get(reverse("gov_services:dept-home")).status_code == 200
    membership = officer.department_memberships.get()
    admin = client.__class__()
    admin.force_login(county_admin)
    response = admin.post(reverse("gov_services:setup-department-member-end", args=[department.pk]),
                          {"membership": membership.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert client.get(reverse("gov_services:dept-home")).status_code == 403  # the same session, next request
    officer.refresh_from_db()
    assert "officer" not in {group.name for group in officer.groups.all()}  # lands as a resident from now on
    services.department_member_add(department=department, actor=county_admin, user=officer)  # may come back
    assert client.get(reverse("gov_services:dept-home")).status_code == 200
    assert "officer" in {group.name for group in officer.groups.all()}


# --- views -------------------------------------------------------------------------------------------------

def test_the_set_up_pages_are_the_county_admins(client, department, county_admin, township_admin, officer):
    client.force_login(county_admin)
    assert client.get(reverse("gov_services:setup-department-list")).status_code == 200
    assert department.name in client.get(reverse("gov_services:setup-department-detail",
                                                 args=[department.pk])).content.decode()
    for user in (township_admin, officer):
        client.force_login(user)
        assert client.get(reverse("gov_services:setup-department-list")).status_code == 403


def test_another_countys_department_is_not_found(client, county_admin):
    elsewhere = DepartmentFactory(region=county_tree()["county"])
    client.force_login(county_admin)
    assert client.get(reverse("gov_services:setup-department-detail", args=[elsewhere.pk])).status_code == 404
    response = client.post(reverse("gov_services:setup-department-member-add", args=[elsewhere.pk]),
                           {"full_name": "外人", "phone": "13800007777"})
    assert response.status_code == 404 and not User.objects.filter(phone="13800007777").exists()


def test_the_create_form_refuses_a_wrong_level_in_chinese_and_keeps_what_was_typed(client, tree, county_admin):
    client.force_login(county_admin)
    response = client.post(reverse("gov_services:setup-department-create"), {
        "code": "WEB-1", "name": "网页部门", "level": "township", "region": tree["county"].pk})
    assert response.status_code == 422
    html = response.content.decode()
    assert "部门须服务同层级的区划" in html and 'value="网页部门"' in html and not Department.objects.filter(code="WEB-1").exists()
    response = client.post(reverse("gov_services:setup-department-create"), {
        "code": "WEB-1", "name": "网页部门", "level": "county", "region": tree["county"].pk, "phone": ""})
    assert response.status_code == 302 and Department.objects.filter(code="WEB-1").exists()


def test_adding_a_member_from_the_page_shows_the_password_once(client, department, county_admin):
    client.force_login(county_admin)
    url = reverse("gov_services:setup-department-member-add", args=[department.pk])
    refused = client.post(url, {"full_name": "孙新", "phone": "123"})
    assert refused.status_code == 422 and 'value="孙新"' in refused.content.decode()
    response = client.post(url, {"full_name": "孙新", "phone": "13800004321"})
    assert response.status_code == 200
    password = response.context["initial_password"]
    assert User.objects.get(phone="13800004321").check_password(password) and password in response.content.decode()


def test_a_password_is_issued_for_staff_in_scope_only(client, county_admin, officer, resident):
    client.force_login(county_admin)
    url = reverse("gov_services:setup-staff-password")
    response = client.post(url, {"account": officer.pk})
    officer.refresh_from_db()
    assert response.status_code == 200 and officer.check_password(response.context["initial_password"])
    assert client.post(url, {"account": resident.pk}).status_code == 404
    assert client.get(reverse("gov_services:setup-staff-list")).status_code == 200


# --- imports -----------------------------------------------------------------------------------------------

@pytest.fixture
def demo_county(db):
    demo = seed_regions(SimpleNamespace(step=lambda *a: None))
    admin = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=admin, role="county_admin", region=demo.county)
    return SimpleNamespace(county=demo.county, admin=admin)


def _run(importer, data: bytes, actor, *, dry_run=False):
    return importer(file=io.BytesIO(data), filename="file.csv", actor=actor, dry_run=dry_run)


def test_the_demo_departments_preview_import_and_import_again_to_no_change(demo_county):
    data = (DATA / "departments.csv").read_bytes()
    preview = _run(department_import, data, demo_county.admin, dry_run=True)
    assert preview.ok and preview.created == 17 and not Department.objects.exists()
    assert _run(department_import, data, demo_county.admin).created == 17
    assert Department.objects.get(code="TS-GJJ").level == "city"
    assert Department.objects.get(code="LT-DDT").is_dispatch_desk
    again = _run(department_import, data, demo_county.admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 17)


def test_a_department_file_may_write_a_region_code_with_or_without_its_trailing_zeros(demo_county):
    text = "部门编码,部门名称,层级,所属区划\nX-1,县甲局,县级,130225000000\nX-2,乐亭镇乙站,乡镇,130225100\n"
    report = _run(department_import, text.encode(), demo_county.admin)
    assert report.ok and report.created == 2
    assert Department.objects.get(code="X-2").region.name == "乐亭镇"


def _demo_setup(demo_county):
    assert station_import(file=io.BytesIO((DATA / "stations.csv").read_bytes()), filename="s.csv",
                          actor=demo_county.admin, dry_run=False).ok
    assert _run(department_import, (DATA / "departments.csv").read_bytes(), demo_county.admin).ok


def test_the_demo_staff_file_makes_accounts_without_passwords_and_a_second_import_changes_nothing(demo_county):
    _demo_setup(demo_county)
    data = (DATA / "staff.csv").read_bytes()
    preview = _run(staff_import, data, demo_county.admin, dry_run=True)
    assert preview.ok and preview.created == 50 and not User.objects.filter(phone="13933000001").exists()
    assert "139****0000" in preview.created_codes[0]  # numbers are masked in the stored report
    assert _run(staff_import, data, demo_county.admin).created == 50
    head = User.objects.get(phone="13933000001")
    assert not head.has_usable_password() and DepartmentMembership.objects.get(user=head).is_head
    assert User.objects.get(phone="13931000000").staff_assignments.get().station.code == "LT001"
    again = _run(staff_import, data, demo_county.admin)
    assert again.ok and (again.created, again.unchanged) == (0, 50)


def test_a_staff_row_never_gives_a_post_to_an_account_found_by_its_number(demo_county):
    _demo_setup(demo_county)
    resident = UserFactory(phone="13800001111", roles=["resident"])
    text = "姓名,手机号,角色,服务站编码\n村民甲,13800001111,代办员,LT001\n"
    report = _run(staff_import, text.encode(), demo_county.admin)
    assert report.bad_lines == [2] and "手机号" in report.problems[0].column
    assert not resident.staff_assignments.exists()


def test_a_second_post_is_given_by_naming_the_account(demo_county):
    _demo_setup(demo_county)
    _run(staff_import, "姓名,手机号,角色,服务站编码\n王秀英,13931000000,代办员,LT001\n".encode(), demo_county.admin)
    operator = User.objects.get(phone="13931000000")
    unnamed = "姓名,手机号,角色,部门编码,已有账号\n王秀英,13931000000,科员,LT-MZJ,\n"
    refused = _run(staff_import, unnamed.encode(), demo_county.admin)
    assert refused.bad_lines == [2] and operator.username in refused.problems[0].message
    named = f"姓名,手机号,角色,部门编码,已有账号\n王秀英,13931000000,科员,LT-MZJ,{operator.username}\n"
    assert _run(staff_import, named.encode(), demo_county.admin).created == 1
    assert DepartmentMembership.objects.filter(user=operator, department__code="LT-MZJ").exists()


BAD_STAFF = """姓名,手机号,角色,服务站编码,部门编码
甲,13800002001,代办员,LT001,
乙,12345,代办员,LT001,
丙,13800002003,厨师,LT001,
丁,13800002004,联络员,XX999,
戊,13800002005,科员,,NOPE
己,13800002001,联络员,LT002,
"""


def test_every_bad_staff_row_is_reported_in_chinese_and_nothing_is_written(demo_county):
    _demo_setup(demo_county)
    report = _run(staff_import, BAD_STAFF.encode(), demo_county.admin)
    assert report.bad_lines == [3, 4, 5, 6, 7]
    messages = {p.line: p.message for p in report.problems}
    assert "11位" in messages[3] and "厨师" in messages[4] and "XX999" in messages[5] and "NOPE" in messages[6]
    assert "第2行" in messages[7]
    assert not User.objects.filter(phone__startswith="138000020").exists()
