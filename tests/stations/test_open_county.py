"""Opening a county: from an empty platform, the superuser made by `createsuperuser` opens a county —
its city and county by division code, its first county admin — and that admin signs in to the county's back
office. Reused regions by code, idempotent on a double submit, refusals in Chinese with nothing saved."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent
from stations.models import Region, StaffAssignment
from stations.services_admins import county_open
from tests.factories import UserFactory

OPEN = reverse("stations:county-open")
NEW_ADMIN = {"county_code": "130225", "county_name": "乐亭县", "city_name": "唐山市", "username": "laoting-admin",
             "full_name": "张县长", "phone": "13812345601", "password": "Leting-2026-pass"}


@pytest.fixture
def platform_admin(db):
    """The account `createsuperuser` makes: no role, no post."""
    return User.objects.create_superuser(username="root", email="root@example.cn", password="Root-pass-2026")


def _open(client, **changes):
    return client.post(OPEN, {**NEW_ADMIN, **changes})


def test_a_superuser_on_an_empty_platform_is_led_from_the_county_home_to_opening_a_county(client, platform_admin):
    response = client.post(reverse("accounts:login"), {"username": "root", "password": "Root-pass-2026"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("stations:county-list")
    html = response.content.decode()
    assert response.status_code == 200 and "第一步：开通一个县" in html and OPEN in html
    assert client.get(OPEN).status_code == 200


def test_opening_a_county_makes_the_city_the_county_and_its_admin_who_then_signs_in_to_it(client, platform_admin):
    client.force_login(platform_admin)
    response = _open(client)
    assert response.status_code == 302 and response.url == reverse("stations:county-list")
    city, county = Region.objects.get(level="city"), Region.objects.get(level="county")
    assert (city.code, city.name, county.code, county.name) == ("130200000000", "唐山市", "130225000000", "乐亭县")
    assert county.get_parent() == city
    admin = User.objects.get(username="laoting-admin")
    assert (admin.full_name, admin.phone) == ("张县长", "13812345601") and admin.check_password("Leting-2026-pass")
    post = StaffAssignment.objects.active().get(user=admin)
    assert (post.role, post.region) == ("county_admin", county) and "county_admin" in admin.roles
    opened = AuditEvent.objects.get(action="county.opened")
    assert opened.actor == platform_admin and opened.data["created"] == ["city", "county", "account", "post"]
    assert {e.action for e in AuditEvent.objects.filter(actor=platform_admin)} >= {
        "region.added", "user.created", "staff.assigned", "role.granted", "county.opened"}
    listing = client.get(reverse("stations:county-list")).content.decode()
    assert "乐亭县" in listing and "laoting-admin" in listing and "已开通" in listing

    client.logout()
    signed_in = client.post(reverse("accounts:login"), {"username": "laoting-admin", "password": "Leting-2026-pass"},
                            follow=True)
    assert signed_in.redirect_chain[-1][0] == reverse("stations:county-home") and signed_in.status_code == 200
    assert signed_in.context["region"] == county


def test_sending_the_form_twice_changes_nothing_the_second_time(client, platform_admin):
    client.force_login(platform_admin)
    assert _open(client).status_code == 302
    counts = (Region.objects.count(), User.objects.count(), StaffAssignment.objects.count(),
              AuditEvent.objects.count())
    again = _open(client, county_code="130225000000")
    assert again.status_code == 302
    assert (Region.objects.count(), User.objects.count(), StaffAssignment.objects.count(),
            AuditEvent.objects.count()) == counts
    assert "已开通" in client.get(again.url).content.decode()  # "was already open … nothing was changed"


def test_an_existing_city_and_county_are_reused_by_code_for_an_existing_account(platform_admin):
    city = Region.add_root(name="唐山市", code="130200", level="city")
    first = county_open(actor=platform_admin, **NEW_ADMIN)
    assert first.city == city and first.created == ["county", "account", "post"]
    officer = UserFactory(phone="13812345602")
    second = county_open(actor=platform_admin, county_code="130224", county_name="滦南县", city_name="",
                         existing_username=officer.username)
    assert second.city == city and second.created == ["county", "post"]
    assert StaffAssignment.objects.active().get(user=officer).region.name == "滦南县"
    assert officer.check_password("pass-1234-word")  # an existing account keeps its password
    again = county_open(actor=platform_admin, county_code="130224", county_name="滦南县", city_name="唐山市",
                        existing_username=officer.username)
    assert again.repeated and StaffAssignment.objects.filter(user=officer).count() == 1


def test_a_number_never_finds_an_account_and_a_refused_form_saves_nothing(client, platform_admin):
    UserFactory(phone="13812345601", roles=["resident"])
    client.force_login(platform_admin)
    response = _open(client)
    assert response.status_code == 422
    html = response.content.decode()
    assert "未保存任何内容" in html and "此手机号已有账户" in html and 'value="乐亭县"' in html
    assert "Leting-2026-pass" not in html  # a password is never sent back
    assert not Region.objects.exists() and not StaffAssignment.objects.exists()
    assert not User.objects.filter(username="laoting-admin").exists()


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"county_code": "12"}, "county_code", "不是区划代码"),
    ({"county_code": "130225100000"}, "county_code", "不是县的代码"),
    ({"county_name": " "}, "county_name", "必填"),
    ({"city_name": ""}, "city_name", "请填写其名称"),
    ({"password": "12345678"}, "password", "密码"),
    ({"username": "", "full_name": "", "phone": "", "password": ""}, "username", "登录名"),
    ({"existing_username": "nobody-here", "username": "", "full_name": "", "phone": "", "password": ""},
     "existing_username", "没有登录名为"),
    ({"existing_username": "root"}, "existing_username", "二者不能同时填写"),
])
def test_bad_input_is_refused_in_chinese_beside_its_field_and_nothing_is_saved(client, platform_admin, changes,
                                                                               field, words):
    client.force_login(platform_admin)
    response = _open(client, **changes)
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert words in errors, response.context["form"].errors
    assert not Region.objects.exists() and not User.objects.filter(username="laoting-admin").exists()


def test_a_name_unlike_the_one_on_record_is_refused(client, platform_admin):
    Region.add_root(name="唐山市", code="130200000000", level="city")
    client.force_login(platform_admin)
    response = _open(client, city_name="唐山")
    assert response.status_code == 422 and "唐山市" in " ".join(response.context["form"].errors["city_name"])
    assert not Region.objects.filter(level="county").exists() and not User.objects.filter(phone="13812345601")


def test_a_login_name_taken_by_someone_else_is_refused(client, platform_admin):
    UserFactory(username="laoting-admin")
    client.force_login(platform_admin)
    response = _open(client)
    assert response.status_code == 422 and response.context["form"].errors["username"]
    assert not Region.objects.exists()


@pytest.mark.parametrize("who", ["county_admin", "township_admin", "operator", "resident"])
def test_only_the_platforms_superuser_opens_a_county(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    regions = Region.objects.count()
    assert client.get(reverse("stations:county-list")).status_code == 403
    assert client.get(OPEN).status_code == 403
    assert _open(client, county_code="139901").status_code == 403
    assert Region.objects.count() == regions and not User.objects.filter(username="laoting-admin").exists()
    with pytest.raises(PermissionDenied):
        county_open(actor=user, **NEW_ADMIN)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(OPEN)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_county_home_links_the_counties_for_the_superuser_only(client, superuser, county_admin):
    client.force_login(superuser)
    assert reverse("stations:county-list") in client.get(reverse("stations:county-home")).content.decode()
    client.force_login(county_admin)
    home = client.get(reverse("stations:county-home")).content.decode()
    assert reverse("stations:county-list") not in home and reverse("gov_services:setup-admin-list") in home


def test_the_new_county_admin_imports_the_tree_under_the_opened_county(platform_admin):
    from stations.regions.importer import region_import

    opening = county_open(actor=platform_admin, **NEW_ADMIN)
    rows = ("区划代码,名称,上级代码,层级\n130000000000,河北省,,省\n130200000000,唐山市,130000000000,市\n"
            "130225000000,乐亭县,130200000000,县\n130225100000,乐亭镇,130225000000,乡镇\n"
            "130225100201,城关村,130225100000,村\n")
    report = region_import(file=rows.encode(), filename="regions.csv", actor=opening.assignment.user)
    assert report.ok and report.applied, report.problems
    township = Region.objects.get(code="130225100000")
    assert township.get_parent() == opening.county and Region.objects.filter(level="city").count() == 1
