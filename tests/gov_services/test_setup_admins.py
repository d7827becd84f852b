"""Admin posts: a county admin gives and ends township-admin posts in their county and county-admin
posts of their county; ending one takes the back office away at once; past posts stay listed with their dates.
Also: the staff import's 乡镇管理员 and 县级管理员 rows, and a department member's officer ↔ head change in place."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from gov_services.models import DepartmentMembership
from gov_services.selectors.routing_rules import routing_department_choices
from gov_services.setup_import_staff import staff_import
from stations.models import StaffAssignment
from stations.services_admins import admin_post_end, admin_post_give
from tests.factories import DepartmentFactory, DepartmentMembershipFactory, UserFactory, county_tree, region

LIST = reverse("gov_services:setup-admin-list")
GIVE = reverse("gov_services:setup-admin-give")


def _end_url(post):
    return reverse("gov_services:setup-admin-end", args=[post.pk])


# --- giving and ending posts ----------------------------------------------------------------------------

def test_a_new_township_admin_gets_an_account_and_the_townships_back_office(client, tree, county_admin):
    township = tree["townships"][1]
    client.force_login(county_admin)
    response = client.post(GIVE, {"role": "township_admin", "region": township.pk, "full_name": "周镇长",
                                  "phone": "13812340501"})
    assert response.status_code == 200
    password = response.context["initial_password"]
    assert password in response.content.decode() and "乡镇管理员" in response.content.decode()
    admin = User.objects.get(phone="13812340501")
    post = StaffAssignment.objects.active().get(user=admin)
    assert (post.role, post.region, post.started_on) == ("township_admin", township, timezone.localdate())
    assert AuditEvent.objects.filter(action="staff.assigned", actor=county_admin, target_id=str(post.pk)).exists()
    newcomer = Client()
    newcomer.force_login(admin)
    home = newcomer.get(reverse("stations:county-home"))
    assert home.status_code == 200 and home.context["region"] == township
    listing = client.get(LIST).content.decode()
    assert "周镇长" in listing and township.name in listing


def test_a_county_admin_post_goes_to_an_account_chosen_explicitly(client, tree, county_admin, officer):
    client.force_login(county_admin)
    response = client.post(GIVE, {"role": "county_admin", "region": tree["county"].pk, "account": officer.pk})
    assert response.status_code == 200 and response.context["initial_password"] is None
    assert StaffAssignment.objects.active().get(user=officer).role == "county_admin"
    assert officer.check_password("pass-1234-word") and "county_admin" in User.objects.get(pk=officer.pk).roles


def test_giving_the_same_post_twice_is_refused_and_saves_nothing_more(client, tree, county_admin, officer):
    client.force_login(county_admin)
    data = {"role": "township_admin", "region": tree["townships"][0].pk, "account": officer.pk}
    assert client.post(GIVE, data).status_code == 200
    again = client.post(GIVE, data)
    assert again.status_code == 422 and "已是" in again.content.decode()
    new_person = {"role": "township_admin", "region": tree["townships"][0].pk, "full_name": "吴新", "phone":
                  "13812340502"}
    assert client.post(GIVE, new_person).status_code == 200
    assert client.post(GIVE, new_person).status_code == 422
    assert StaffAssignment.objects.filter(user=officer).count() == 1
    assert User.objects.filter(phone="13812340502").count() == 1
    assert StaffAssignment.objects.filter(user__phone="13812340502").count() == 1


def test_a_post_of_the_wrong_level_is_refused_in_chinese(client, tree, county_admin):
    client.force_login(county_admin)
    response = client.post(GIVE, {"role": "county_admin", "region": tree["townships"][0].pk, "full_name": "错",
                                  "phone": "13812340503"})
    assert response.status_code == 422 and "请选择该层级的区划" in " ".join(response.context["form"].errors["region"])
    assert not User.objects.filter(phone="13812340503").exists()


def test_ending_a_post_takes_the_back_office_away_at_once_and_keeps_it_in_the_history(client, tree, county_admin,
                                                                                       township_admin):
    township_client = Client()
    township_client.force_login(township_admin)
    assert township_client.get(reverse("stations:county-home")).status_code == 200
    post = StaffAssignment.objects.get(user=township_admin)
    client.force_login(county_admin)
    response = client.post(_end_url(post), follow=True)
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.ended_on == timezone.localdate()
    assert township_client.get(reverse("stations:county-home")).status_code == 403  # the same session
    assert post in response.context["past"] and post not in response.context["current"]
    assert AuditEvent.objects.filter(action="staff.assignment_ended", actor=county_admin,
                                     target_id=str(post.pk)).exists()
    again = client.post(_end_url(post), follow=True)  # a double submit: said, and nothing more changes
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    assert AuditEvent.objects.filter(action="staff.assignment_ended").count() == 1


def test_a_county_admin_does_not_end_their_own_post(client, county_admin):
    own = StaffAssignment.objects.get(user=county_admin)
    client.force_login(county_admin)
    listing = client.get(LIST)
    assert _end_url(own) not in listing.content.decode()
    assert client.post(_end_url(own)).status_code == 403
    with pytest.raises(PermissionDenied):
        admin_post_end(assignment=own, actor=county_admin)
    own.refresh_from_db()
    assert own.ended_on is None


def test_a_township_admin_gives_and_ends_no_admin_posts(client, tree, county_admin, township_admin):
    other = StaffAssignment.objects.get(user=county_admin)
    client.force_login(township_admin)
    assert client.get(LIST).status_code == 403
    assert client.post(GIVE, {"role": "township_admin", "region": tree["townships"][0].pk, "full_name": "甲",
                              "phone": "13812340504"}).status_code == 403
    assert client.post(_end_url(other)).status_code == 403
    other.refresh_from_db()
    assert other.ended_on is None and not User.objects.filter(phone="13812340504").exists()
    with pytest.raises(PermissionDenied):
        admin_post_give(region=tree["townships"][0], role="township_admin", actor=township_admin, full_name="甲",
                        phone="13812340504")


def test_another_countys_townships_and_posts_are_out_of_reach(client, county_admin):
    elsewhere = county_tree()
    stranger = UserFactory(roles=["township_admin"])
    foreign_post = StaffAssignment.objects.create(user=stranger, role="township_admin",
                                                  region=elsewhere["townships"][0], started_on=timezone.localdate())
    client.force_login(county_admin)
    response = client.post(GIVE, {"role": "township_admin", "region": elsewhere["townships"][0].pk,
                                  "full_name": "外人", "phone": "13812340505"})
    assert response.status_code == 422 and not User.objects.filter(phone="13812340505").exists()
    assert client.post(_end_url(foreign_post)).status_code == 404
    foreign_post.refresh_from_db()
    assert foreign_post.ended_on is None
    assert stranger.full_name not in client.get(LIST).content.decode()
    with pytest.raises(PermissionDenied):
        admin_post_give(region=elsewhere["county"], role="county_admin", actor=county_admin, account=stranger)


# --- the staff import's admin rows ----------------------------------------------------------------------------

def _import(text: str, actor, *, dry_run=False):
    return staff_import(file=io.BytesIO(text.encode()), filename="staff.csv", actor=actor, dry_run=dry_run)


def test_the_staff_file_names_township_and_county_admins_and_a_second_import_changes_nothing(tree, county_admin):
    township = tree["townships"][0]
    text = ("姓名,手机号,角色,服务站编码,部门编码,已有账号,所属区划\n"
            f"孙镇长,13812340601,乡镇管理员,,,,{township.code}000\n"
            "钱副县长,13812340602,县级管理员,,,,\n")
    preview = _import(text, county_admin, dry_run=True)
    assert preview.ok and preview.created == 2 and not User.objects.filter(phone="13812340601").exists()
    assert _import(text, county_admin).created == 2
    assert StaffAssignment.objects.active().get(user__phone="13812340601").region == township
    county_post = StaffAssignment.objects.active().get(user__phone="13812340602")
    assert (county_post.role, county_post.region) == ("county_admin", tree["county"])
    again = _import(text, county_admin)
    assert again.ok and (again.created, again.unchanged) == (0, 2)


def test_bad_admin_rows_are_reported_in_chinese_and_nothing_is_written(tree, county_admin):
    elsewhere = county_tree()
    text = ("姓名,手机号,角色,所属区划\n"
            "甲,13812340701,乡镇管理员,\n"
            f"乙,13812340702,乡镇管理员,{elsewhere['townships'][0].code}\n"
            f"丙,13812340703,乡镇管理员,{tree['county'].code}\n"
            "丁,13812340704,县级管理员,12\n"
            f"戊,13812340705,乡镇管理员,{tree['townships'][0].code}\n")
    report = _import(text, county_admin)
    assert report.bad_lines == [2, 3, 4, 5]
    messages = {problem.line: problem.message for problem in report.problems}
    assert "乡镇的区划代码" in messages[2] and "本县没有" in messages[3] and "不是区划代码" in messages[5]
    assert not User.objects.filter(phone__startswith="1381234070").exists()


def test_a_staff_file_without_the_region_column_still_imports(tree, county_admin, station):
    text = f"姓名,手机号,角色,服务站编码,部门编码,已有账号\n王代办,13812340801,代办员,{station.code},,\n"
    assert _import(text, county_admin).created == 1


# --- officer ↔ head, in place -------------------------------------------------------------------------------

def test_an_officer_becomes_head_from_the_staff_page_with_dated_history(client, department, county_admin, officer):
    old = officer.department_memberships.get()
    client.force_login(county_admin)
    staff_page = client.get(reverse("gov_services:setup-staff-list")).content.decode()
    role_url = reverse("gov_services:setup-department-member-role", args=[department.pk])
    assert role_url in staff_page
    response = client.post(role_url, {"membership": old.pk, "role": "head", "back": "staff"})
    assert response.status_code == 302 and response.url == reverse("gov_services:setup-staff-list")
    old.refresh_from_db()
    new = DepartmentMembership.objects.active().get(user=officer)
    today = timezone.localdate()
    assert (old.ended_on, old.is_head) == (today, False) and (new.started_on, new.is_head) == (today, True)
    changed = AuditEvent.objects.get(action="department.member_role_changed")
    assert changed.actor == county_admin and changed.data["from"] == "officer" and changed.data["to"] == "head"
    assert AuditEvent.objects.filter(action="department.member_ended", target_id=str(old.pk)).exists()
    again = client.post(role_url, {"membership": old.pk, "role": "head"})  # a double submit
    assert again.status_code == 302
    assert DepartmentMembership.objects.filter(user=officer).count() == 2
    assert AuditEvent.objects.filter(action="department.member_role_changed").count() == 1
    back = client.post(role_url, {"membership": new.pk, "role": "officer"})
    assert back.url == reverse("gov_services:setup-department-detail", args=[department.pk])
    assert not DepartmentMembership.objects.active().get(user=officer).is_head


def test_a_head_who_becomes_an_officer_can_no_longer_assign(department, county_admin):
    from gov_services.services.departments import department_member_role_change
    from stations.scope import scope_for

    head = UserFactory(roles=["officer"])
    membership = DepartmentMembershipFactory(department=department, user=head, is_head=True)
    assert scope_for(head).heads(department.pk)
    department_member_role_change(membership=membership, is_head=False, actor=county_admin)
    head = User.objects.get(pk=head.pk)
    assert not scope_for(head).heads(department.pk) and scope_for(head).works_in(department.pk)


def test_a_township_admin_or_another_countys_admin_changes_no_role(client, department, township_admin, officer):
    membership = officer.department_memberships.get()
    url = reverse("gov_services:setup-department-member-role", args=[department.pk])
    client.force_login(township_admin)
    assert client.post(url, {"membership": membership.pk, "role": "head"}).status_code == 403
    stranger = UserFactory(roles=["county_admin"])
    StaffAssignment.objects.create(user=stranger, role="county_admin", region=county_tree()["county"],
                                   started_on=timezone.localdate())
    client.force_login(stranger)
    assert client.post(url, {"membership": membership.pk, "role": "head"}).status_code == 404
    assert DepartmentMembership.objects.get(pk=membership.pk).ended_on is None


# --- city-level departments in the pickers --------------------------------------------------------------

def test_the_routing_picker_offers_the_citys_departments_and_a_rule_may_use_one(client, tree, county_admin,
                                                                               dispatch_desk):
    city_level = DepartmentFactory(region=tree["city"], level="city", name="市住房公积金中心")
    other_city = DepartmentFactory(region=region("city", name="别市"), level="city", name="别市公积金中心")
    choices = list(routing_department_choices(county=tree["county"]))
    assert city_level in choices and dispatch_desk in choices and other_city not in choices
    client.force_login(county_admin)
    form_page = client.get(reverse("gov_services:routing-rule-create")).content.decode()
    assert "市住房公积金中心（市）" in form_page and "别市公积金中心" not in form_page
    response = client.post(reverse("gov_services:routing-rule-create"), {
        "category": "help", "region": "", "keyword": "公积金", "department": city_level.pk})
    assert response.status_code == 302
    assert city_level.routing_rules.get().keyword == "公积金"
