"""等保 2.0 three-role administration (accounts/roles.py, accounts/services.py, accounts/views_ops.py):
the system admin reads no audit log and changes no security setting, the audit admin only reads audit
logs, the security admin manages accounts and policies; nobody holds two of the three or grants one
to themselves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from accounts.roles import ROLE_PERMISSIONS, SEPARATED_ROLES, Role
from accounts.services import user_role_grant, user_role_revoke
from core.audit import audit_event_record
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUDIT_PERMISSIONS = {"core.view_auditevent", "core.view_auditseal", "core.view_personal_data_access", "axes.view_accesslog"}
SECURITY_APPS = ("accounts.", "auth.", "axes.", "core.add_personaldataitem", "core.change_personaldataitem")


def _holder(role):
    return UserFactory(roles=[role])


def test_the_system_admin_has_no_audit_and_no_security_permission():
    permissions = set(ROLE_PERMISSIONS[Role.SYSTEM_ADMIN])
    assert not permissions & AUDIT_PERMISSIONS
    assert not [p for p in permissions if p.startswith(SECURITY_APPS)]


def test_the_audit_admin_only_reads():
    assert all(p.split(".")[1].startswith("view_") for p in ROLE_PERMISSIONS[Role.AUDIT_ADMIN])
    assert set(ROLE_PERMISSIONS[Role.AUDIT_ADMIN]) >= AUDIT_PERMISSIONS


def test_the_security_admin_manages_accounts_but_reads_no_audit_log():
    permissions = set(ROLE_PERMISSIONS[Role.SECURITY_ADMIN])
    assert {"accounts.add_user", "accounts.change_user", "axes.delete_accessattempt"} <= permissions
    assert not permissions & AUDIT_PERMISSIONS


def test_nobody_holds_two_of_the_three(client):
    security = _holder(Role.SECURITY_ADMIN)
    person = UserFactory()
    user_role_grant(user=person, role=Role.SYSTEM_ADMIN, actor=security)
    for other in SEPARATED_ROLES - {Role.SYSTEM_ADMIN}:
        with pytest.raises(PermissionDenied, match="三个不同的人"):
            user_role_grant(user=person, role=other, actor=security)
    assert person.roles & SEPARATED_ROLES == {Role.SYSTEM_ADMIN}
    assert AuditEvent.objects.filter(action="role.granted", target_id=str(person.pk), actor=security).count() == 1


def test_nobody_gives_themselves_an_administrators_role():
    security = _holder(Role.SECURITY_ADMIN)
    with pytest.raises(PermissionDenied, match="给自己"):
        user_role_grant(user=security, role=Role.DATA_OFFICER, actor=security)


def test_only_the_security_admin_gives_and_takes_the_administrators_roles(county_admin):
    person = UserFactory()
    for actor in (county_admin, _holder(Role.SYSTEM_ADMIN), _holder(Role.AUDIT_ADMIN)):
        with pytest.raises(PermissionDenied, match="只有安全管理员"):
            user_role_grant(user=person, role=Role.AUDIT_ADMIN, actor=actor)
    audit = _holder(Role.AUDIT_ADMIN)
    with pytest.raises(PermissionDenied):
        user_role_revoke(user=audit, role=Role.AUDIT_ADMIN, actor=county_admin)
    user_role_revoke(user=audit, role=Role.AUDIT_ADMIN, actor=_holder(Role.SECURITY_ADMIN))
    assert Role.AUDIT_ADMIN not in UserFactory._meta.model.objects.get(pk=audit.pk).roles


def test_the_first_security_admin_is_named_on_the_command_line():
    person = UserFactory(username="wang.security")
    call_command("admin_role", "grant", "--user", "wang.security", "--role", "security_admin")
    assert Role.SECURITY_ADMIN in type(person).objects.get(pk=person.pk).roles
    call_command("admin_role", "grant", "--user", "wang.security", "--role", "security_admin")  # no change
    with pytest.raises(CommandError, match="三个不同的人"):
        call_command("admin_role", "grant", "--user", "wang.security", "--role", "audit_admin")
    with pytest.raises(CommandError, match="no active account"):
        call_command("admin_role", "grant", "--user", "nobody", "--role", "audit_admin")


def test_the_audit_trail_page_is_the_audit_admins_only(client, station):
    audit_event_record(actor=None, action="station.checked", target=station)
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.DATA_OFFICER):
        client.force_login(_holder(role))
        assert client.get("/ops/audit/").status_code == 403, role
    client.force_login(_holder(Role.AUDIT_ADMIN))
    response = client.get("/ops/audit/?action=station.")
    assert response.status_code == 200 and "station.checked" in response.content.decode()
    assert client.get("/ops/audit/?since=nonsense&page=x").status_code == 200
    assert client.post("/ops/audit/").status_code == 405


def test_the_audit_admin_exports_the_filtered_trail_with_its_chain_links_and_the_export_is_audited(
        client, station, monkeypatch):
    from django.utils import timezone

    from accounts import views_ops
    from core.audit_chain import audit_chain_seal

    for n in range(3):
        audit_event_record(actor=None, action="station.checked", target=station, data={"n": n, "说明": "巡查"})
    audit_event_record(actor=None, action="other.thing", target=station)
    audit_chain_seal(now=timezone.now() + timezone.timedelta(minutes=10))
    admin = _holder(Role.AUDIT_ADMIN)
    client.force_login(admin)
    page = client.get("/ops/audit/?action=station.").content.decode()
    assert "action=station.&amp;format=xlsx" in page and "format=csv" in page
    response = client.get("/ops/audit/", {"action": "station.", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("事件") and '"{""n"": 0, ""说明"": ""巡查""}"' in text
    assert all(len(line.rsplit(",", 1)[1]) == 64 for line in lines[1:])  # each row carries its link's digest
    assert AuditEvent.objects.filter(action="audit.exported", actor=admin).get().data["events"] == 3
    xlsx = client.get("/ops/audit/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    monkeypatch.setattr(views_ops, "AUDIT_EXPORT_LIMIT", 2)
    too_many = client.get("/ops/audit/", {"action": "station.", "format": "csv"}, follow=True)
    assert "最多" in too_many.content.decode() and too_many.redirect_chain
    client.force_login(_holder(Role.SYSTEM_ADMIN))
    assert client.get("/ops/audit/", {"format": "csv"}).status_code == 403


def test_each_administrator_lands_on_their_workspace_and_sees_their_own_part(client):
    expected = {Role.SYSTEM_ADMIN: "System health", Role.AUDIT_ADMIN: "/ops/audit/",
                Role.SECURITY_ADMIN: "/ops/admins/", Role.DATA_OFFICER: "/ops/personal-data/"}
    for role, shown in expected.items():
        user = _holder(role)
        client.force_login(user)
        assert client.get("/workspace/")["Location"] == "/ops/"
        with __import__("django").utils.translation.override("en"):
            page = client.get("/ops/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert shown in page, role
    client.force_login(_holder(Role.SYSTEM_ADMIN))
    page = client.get("/ops/").content.decode()
    assert "/ops/audit/" not in page and "/ops/admins/" not in page
    client.force_login(UserFactory(roles=[Role.OPERATOR]))
    assert client.get("/ops/").status_code == 403


def test_the_security_admin_gives_a_role_on_the_admins_page(client):
    security = _holder(Role.SECURITY_ADMIN)
    person = UserFactory(username="li.audit")
    client.force_login(security)
    assert client.get("/ops/admins/").status_code == 200
    response = client.post("/ops/admins/", {"action": "grant", "username": "li.audit", "role": "audit_admin"})
    assert response.status_code == 302
    assert Role.AUDIT_ADMIN in type(person).objects.get(pk=person.pk).roles
    refused = client.post("/ops/admins/", {"action": "grant", "username": "li.audit", "role": "system_admin"})
    assert (refused.status_code == 403 and "三个不同的人" in refused.content.decode()) or \
        refused.status_code == 403
    assert client.post("/ops/admins/", {"action": "grant", "username": "nobody", "role": "audit_admin"}).status_code == 400
    assert client.post("/ops/admins/", {"action": "grant", "username": "li.audit", "role": "county_admin"}).status_code == 400
    client.force_login(_holder(Role.SYSTEM_ADMIN))
    assert client.post("/ops/admins/", {"action": "grant", "username": "li.audit", "role": "data_officer"}).status_code == 403


def test_the_security_admin_lifts_a_lock_out_and_the_system_admin_cannot(client):
    from axes.models import AccessAttempt

    UserFactory(username="locked.one")
    AccessAttempt.objects.create(username="locked.one", ip_address="10.0.0.5", failures_since_start=5,
                                 user_agent="", path_info="/login/", get_data="", post_data="", http_accept="")
    client.force_login(_holder(Role.SYSTEM_ADMIN))
    assert client.post("/ops/admins/", {"action": "lift", "username": "locked.one"}).status_code == 403
    client.force_login(_holder(Role.SECURITY_ADMIN))
    assert client.post("/ops/admins/", {"action": "lift", "username": "locked.one"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="locked.one").exists()
    assert AuditEvent.objects.filter(action="login.lockout_lifted").count() == 1
