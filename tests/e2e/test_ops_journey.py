"""The administrators' workspace through the browser: the audit admin reads the audit trail and the log of
personal-data views, the security admin gives a role, the system admin sees health; desktop and 375 px."""

import pytest

from accounts.roles import Role
from core.audit import audit_event_record
from tests.e2e.helpers import assert_ok, path_of
from tests.factories import ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 800}


def test_the_three_administrators_each_see_their_own_part(page, shot, sign_in, officer, request_item, station):
    service_request = ServiceRequestFactory(item=request_item, station=station, status="submitted")
    audit_event_record(actor=officer, action="station.checked", target=station)
    from core.personal_data import personal_data_view_record

    personal_data_view_record(viewer=officer, target=service_request, fields=["applicant_id_number"],
                              purpose="承办部门办理申请")
    auditor = UserFactory(username="auditor", full_name="郑立新", roles=[Role.AUDIT_ADMIN])
    sign_in(auditor)
    assert path_of(page) == "/ops/"
    shot("02-auditor-home")
    assert_ok(page.goto("/ops/audit/"), "audit trail")
    assert page.locator("text=station.checked").count() >= 1
    shot("03-audit-trail")
    page.set_viewport_size(PHONE)
    shot("04-audit-trail-phone")
    assert_ok(page.goto("/ops/personal-data/access/"), "personal-data log")
    assert page.locator("text=applicant_id_number").count() == 1
    shot("05-personal-data-log-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_ok(page.goto("/ops/personal-data/"), "inventory")
    shot("06-inventory")
    assert page.goto("/ops/admins/").status == 403

    page.context.clear_cookies()
    security = UserFactory(username="secadmin", full_name="吴海燕", roles=[Role.SECURITY_ADMIN])
    UserFactory(username="new.sysadmin", full_name="周建国")
    sign_in(security, step="07-sign-in-security")
    assert_ok(page.goto("/ops/admins/"), "admins")
    page.fill("#a-username", "new.sysadmin")
    page.select_option("#a-role", "system_admin")
    with page.expect_navigation():
        page.click("button[value=grant]")
    assert page.locator("text=周建国").count() >= 1
    shot("08-role-given")
    assert page.goto("/ops/audit/").status == 403

    page.context.clear_cookies()
    from accounts.models import User

    sign_in(User.objects.get(username="new.sysadmin"), step="09-sign-in-system")
    assert_ok(page.goto("/ops/"), "ops home")
    shot("10-system-health")
    page.set_viewport_size(PHONE)
    shot("11-system-health-phone")
