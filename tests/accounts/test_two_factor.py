"""Two-factor sign-in (accounts/two_factor.py, accounts/views_two_factor.py, TwoFactorMiddleware): who is
asked, enrolment with a QR drawn here and recovery codes, codes checked once and throttled, the security
administrator's reset, every step in the audit trail."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordHistoryEntry
from accounts.roles import Role
from core.models import AuditEvent
from tests.clock import clock_at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # what UserFactory sets
SETUP, VERIFY, HOME = "/two-factor/setup/", "/two-factor/verify/", "/two-factor/"
ADMINS_ONLY = ["county_admin", "security_admin"]


@pytest.fixture
def two_factor_for_admins(settings):
    settings.TWO_FACTOR_ROLES = ADMINS_ONLY


def _sign_in(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _code(device: TOTPDevice) -> str:
    """What the person's app shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(user.pk), action__startswith="user.two_factor")
                .order_by("pk").values_list("action", flat=True))


def test_with_the_policy_off_an_admin_signs_in_with_the_password_alone(client, county_admin):
    _sign_in(client, county_admin)
    assert client.get("/county/").status_code == 200


def test_a_resident_is_not_asked_for_a_code_when_only_admins_are(client, two_factor_for_admins):
    resident = UserFactory(roles=[Role.RESIDENT])
    _sign_in(client, resident)
    response = client.get("/me/requests/")
    assert response.status_code == 200


def test_an_admin_without_an_authenticator_sets_one_up_before_any_page(client, county_admin, two_factor_for_admins):
    _sign_in(client, county_admin)
    response = client.get("/county/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP + "?next=/county/")
    page = client.get(SETUP)
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "http" not in body.split("<svg", 1)[1].split("</svg>")[0]
    assert "扫描" in body  # zh-hans
    draft = TOTPDevice.objects.get(user=county_admin, confirmed=False)
    assert client.get(SETUP).status_code == 200 and TOTPDevice.objects.filter(user=county_admin).count() == 1

    wrong = client.post(SETUP, {"code": "000000" if _code(draft) != "000000" else "111111", "next": "/county/"})
    assert wrong.status_code == 422 and "不匹配" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=county_admin, confirmed=True).exists()
    assert client.get("/county/").status_code == 302

    with clock_at(timezone.now() + timedelta(seconds=30)):  # after the wrong code's throttle
        done = client.post(SETUP, {"code": _code(draft), "next": "/county/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert TOTPDevice.objects.get(user=county_admin).confirmed
    assert client.get("/county/").status_code == 200
    assert _actions(county_admin) == ["user.two_factor_failed", "user.two_factor_enrolled"]


def test_an_enrolled_admin_gives_a_code_once_and_the_same_code_is_not_taken_again(client, county_admin,
                                                                                   two_factor_for_admins):
    device = _enrolled(county_admin)
    _sign_in(client, county_admin)
    assert client.get("/county/")["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY), "a password alone must not move the authenticator"

    refused = client.post(VERIFY, {"code": "12345x"})
    assert refused.status_code == 422 and "验证码不正确" in refused.content.decode()
    code = _code(device)
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"code": code, "next": "/county/"})["Location"] == "/county/"
    assert client.get("/county/").status_code == 200

    client.post("/logout/")
    _sign_in(client, county_admin)
    replay = client.post(VERIFY, {"code": code})
    assert replay.status_code == 422
    assert _actions(county_admin) == ["user.two_factor_failed", "user.two_factor_verified",
                                      "user.two_factor_failed"]


def test_wrong_codes_slow_the_next_tries_down(client, county_admin, two_factor_for_admins):
    device = _enrolled(county_admin)
    _sign_in(client, county_admin)
    for wrong in ("000001", "000002", "wrong234"):  # app-shaped and recovery-shaped: one throttle
        if wrong != _code(device):
            client.post(VERIFY, {"code": wrong})
    blocked = client.post(VERIFY, {"code": _code(device)})
    assert blocked.status_code == 422 and "秒后再试" in blocked.content.decode()
    assert client.get("/county/").status_code == 302


def test_a_recovery_code_signs_in_once(client, county_admin, two_factor_for_admins):
    _enrolled(county_admin)
    recovery = StaticDevice.objects.create(user=county_admin, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")
    StaticToken.objects.create(device=recovery, token="efgh6723")
    _sign_in(client, county_admin)
    assert client.post(VERIFY, {"code": "ABCD 2345", "next": "/county/"})["Location"] == "/county/"
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    client.post("/logout/")
    _sign_in(client, county_admin)
    assert client.post(VERIFY, {"code": "abcd2345"}).status_code == 422
    event = AuditEvent.objects.filter(action="user.two_factor_verified", target_id=str(county_admin.pk)).get()
    assert event.data == {"method": "recovery", "codes_left": 1}


def test_new_recovery_codes_need_a_verified_session_and_replace_the_old(client, county_admin, two_factor_for_admins):
    device = _enrolled(county_admin)
    recovery = StaticDevice.objects.create(user=county_admin, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="oldcode2")
    client.force_login(county_admin)
    client.post(VERIFY, {"code": _code(device)})
    renewed = client.post(HOME)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", renewed.content.decode())
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=county_admin).values_list("token", flat=True)) == set(codes)
    assert "user.two_factor_recovery_renewed" in _actions(county_admin)

    other = UserFactory(roles=[Role.OFFICER])
    client.force_login(other)
    refused = client.post(HOME, follow=True)
    assert "先用验证器" in refused.content.decode() or "验证码" in refused.content.decode()
    assert not StaticDevice.objects.filter(user=other).exists()


def test_a_volunteer_with_an_authenticator_is_asked_too(client, two_factor_for_admins):
    officer = UserFactory(roles=[Role.OFFICER])
    _enrolled(officer)
    _sign_in(client, officer)
    assert client.get("/dept/")["Location"].startswith(VERIFY)


def test_signing_out_stays_open_and_an_expired_password_waits_for_the_code(client, county_admin,
                                                                           two_factor_for_admins):
    device = _enrolled(county_admin)
    PasswordHistoryEntry.objects.filter(user=county_admin).update(created_at=timezone.now() - timedelta(days=100))
    _sign_in(client, county_admin)
    assert client.get(VERIFY).status_code == 200
    assert client.post(VERIFY, {"code": _code(device)}).status_code == 302
    assert client.get("/county/")["Location"] == "/password/change/"
    assert client.post("/logout/").status_code in (200, 302)


def test_the_security_admin_resets_a_lost_phone(client, county_admin, two_factor_for_admins):
    security = UserFactory(roles=[Role.SECURITY_ADMIN])
    _enrolled(county_admin)
    StaticDevice.objects.create(user=county_admin, name="recovery", confirmed=True)
    own = _enrolled(security)
    client.force_login(security)
    client.post(VERIFY, {"code": _code(own)})

    refused = client.post("/ops/admins/", {"action": "two_factor_reset", "username": security.username})
    assert refused.status_code == 403 and TOTPDevice.objects.filter(user=security).exists()
    done = client.post("/ops/admins/", {"action": "two_factor_reset", "username": county_admin.username})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=county_admin).exists()
    assert not StaticDevice.objects.filter(user=county_admin).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_reset", actor=security,
                                     target_id=str(county_admin.pk)).count() == 1

    client.force_login(county_admin)
    assert client.get("/county/")["Location"].startswith(SETUP)


def test_only_the_security_admin_resets(client, county_admin):
    officer = UserFactory(roles=[Role.OFFICER])
    _enrolled(officer)
    client.force_login(county_admin)
    assert client.post("/ops/admins/", {"action": "two_factor_reset", "username": officer.username}).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_a_misspelt_role_in_the_policy_stops_the_start(settings):
    settings.TWO_FACTOR_ROLES = ["county_admins"]
    with pytest.raises(SystemCheckError, match="county_admins"):
        call_command("check")
