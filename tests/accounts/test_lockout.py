"""Guessing is throttled on every sign-in form and on SMS codes, per account and per client address;
an administrator can lift a lock-out, and both the lock and the lift are audit events."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import phone_codes
from accounts.services import login_lockout_lift
from core.models import AuditEvent
from tests.accounts.test_signup import last_code, wrong_code
from tests.factories import UserFactory
from tests.sms_capture import BACKEND, CapturingBackend

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # what UserFactory sets
PHONE = "13935007777"


@pytest.fixture
def person(db):
    return UserFactory(username="wangxy", phone=PHONE)


def sign_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def guess(client, username, times, **extra):
    for _ in range(times):
        sign_in(client, username, "wrong-guess", **extra)


def test_the_right_password_is_refused_once_an_account_has_had_too_many_wrong_ones(client, person, settings):
    """Before: 170 wrong passwords in a row were all accepted as attempts."""
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT)
    response = sign_in(client, "wangxy", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert "锁定" in page and str(settings.LOGIN_LOCKOUT_MINUTES) in page


def test_fewer_wrong_passwords_than_the_limit_still_let_the_person_in(client, person, settings):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT - 1)
    assert sign_in(client, "wangxy", PASSWORD).status_code == 302
    # …and a successful sign-in starts the count afresh.
    assert not AccessAttempt.objects.filter(username="wangxy").exists()


def test_guesses_add_up_whether_the_account_is_named_by_username_phone_or_email(client, person, settings):
    names = ["wangxy", PHONE, person.email.upper()]
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, names[number % 3], "wrong-guess")
    assert sign_in(client, PHONE, PASSWORD).status_code == 429


def test_the_lock_is_per_account_and_another_account_from_elsewhere_signs_in(client, person, settings):
    other = UserFactory()
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT)
    assert sign_in(client, other.username, PASSWORD, REMOTE_ADDR="10.20.30.40").status_code == 302
    # The locked account stays locked from another address too.
    client.logout()
    assert sign_in(client, "wangxy", PASSWORD, REMOTE_ADDR="10.20.30.41").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_but_other_addresses_are_not(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    victims = [UserFactory() for _ in range(4)]
    for victim in victims:
        guess(client, victim.username, 2, REMOTE_ADDR="198.51.100.9")  # under each account's limit
    assert sign_in(client, victims[0].username, PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 429
    assert sign_in(client, victims[0].username, PASSWORD, REMOTE_ADDR="198.51.100.10").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_addresss_count(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    mine, victim = UserFactory(), UserFactory()
    guess(client, victim.username, 3)
    assert sign_in(client, mine.username, PASSWORD).status_code == 302
    client.logout()
    guess(client, victim.username + "x", 3)
    assert sign_in(client, mine.username, PASSWORD).status_code == 429


def test_a_lock_runs_out_after_the_lockout_minutes(client, person, settings):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    assert sign_in(client, "wangxy", PASSWORD).status_code == 302


@pytest.mark.parametrize("path", ["/admin/login/", "/cms/login/"])  # the store's leads to /login/
def test_every_sign_in_form_is_throttled(client, settings, path):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(path, {"username": staff.username, "password": "wrong-guess"})
    response = client.post(path, {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_store_s_sign_in_address_signs_nobody_in_and_leads_to_the_throttled_one(client, person):
    response = client.post("/shop/accounts/login/", {"login-username": "wangxy", "login-password": PASSWORD,
                                                     "login_submit": "1"})
    assert response.status_code == 302 and response.url == "/login/"
    assert SESSION_KEY not in client.session


def test_the_lock_is_an_audit_event_written_once(client, person, settings):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT + 3)
    [event] = AuditEvent.objects.filter(action="login.locked_out")
    assert event.target_id == str(person.pk) and event.data["by"] == "account"
    assert event.data["address"] == "127.0.0.1"
    # What the attempt log keeps of the form has no password.
    assert "wrong-guess" not in AccessAttempt.objects.get().post_data


def test_the_system_administrator_lifts_a_lock_and_that_is_an_audit_event(client, person, settings, superuser):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT)
    assert login_lockout_lift(actor=superuser, username="wangxy") == 1
    [event] = AuditEvent.objects.filter(action="login.lockout_lifted")
    assert event.actor == superuser and event.target_id == str(person.pk)
    assert sign_in(client, "wangxy", PASSWORD).status_code == 302


def test_no_one_else_may_lift_a_lock(person, county_admin, settings, client):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT)
    with pytest.raises(PermissionDenied):
        login_lockout_lift(actor=county_admin, username="wangxy")
    assert AccessAttempt.objects.exists()


def test_the_django_admin_has_actions_to_lift_a_lock(client, person, settings, superuser):
    guess(client, "wangxy", settings.LOGIN_FAILURE_LIMIT, REMOTE_ADDR="198.51.100.20")
    client.force_login(superuser)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "wangxy" in listing.content.decode()
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "lift_lockout", "_selected_action": [person.pk]}, follow=True)
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="login.lockout_lifted", actor=superuser).count() == 1


def test_the_system_administrator_reads_who_signed_in_from_where(client, person, superuser):
    sign_in(client, "wangxy", PASSWORD, REMOTE_ADDR="198.51.100.40")
    client.logout()
    client.force_login(superuser)
    page = client.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert "wangxy" in page and "198.51.100.40" in page


def test_a_locked_client_address_is_lifted_from_the_attempt_list(client, settings, superuser):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for number in range(4):
        sign_in(client, f"nobody{number}", "wrong-guess", REMOTE_ADDR="198.51.100.30")
    client.force_login(superuser)
    rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    client.post(reverse("admin:axes_accessattempt_changelist"),
                {"action": "lift_address", "_selected_action": rows[:1]})
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.30").exists()
    event = AuditEvent.objects.get(action="login.lockout_lifted")
    assert event.data["address"] == "198.51.100.30"


def test_an_api_key_is_not_a_password_and_is_not_counted(client, person):
    response = client.get("/api/requests/ABC", HTTP_AUTHORIZATION="Bearer cz_wrong")
    assert response.status_code == 401
    assert not AccessAttempt.objects.exists()


# --- SMS codes ------------------------------------------------------------------------------------------

@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = BACKEND
    CapturingBackend.sent = []
    return CapturingBackend.sent


def test_guessing_sign_up_codes_locks_the_number_across_fresh_codes(client, sms, settings, monkeypatch):
    monkeypatch.setattr(phone_codes, "RESEND_AFTER", 0)
    settings.SMS_CODE_FAILURE_LIMIT = 4
    client.post(reverse("accounts:signup"), {"phone": PHONE})
    for _ in range(2):  # two wrong guesses at each of two codes
        for _ in range(2):
            client.post(reverse("accounts:signup-verify"), {"code": wrong_code(last_code(sms)), "full_name": "王秀英",
                                                             "password1": "qiuShou-2025-mai",
                                                             "password2": "qiuShou-2025-mai"})
        client.post(reverse("accounts:signup-verify"), {"resend": "1"})
    response = client.post(reverse("accounts:signup-verify"), {
        "code": last_code(sms), "full_name": "王秀英", "password1": "qiuShou-2025-mai", "password2": "qiuShou-2025-mai"})
    assert response.status_code == 200
    assert "锁定" in " ".join(response.context["form"].errors["code"])
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get().username == f"sms:{PHONE}"
    assert AuditEvent.objects.filter(action="login.locked_out").count() == 1


def test_a_wrong_sms_code_is_counted_but_a_mistyped_one_is_not(client, sms):
    client.post(reverse("accounts:signup"), {"phone": PHONE})
    data = {"full_name": "王秀英", "password1": "qiuShou-2025-mai", "password2": "qiuShou-2025-mai"}
    client.post(reverse("accounts:signup-verify"), {"code": "12ab", **data})
    assert not AccessAttempt.objects.exists()
    client.post(reverse("accounts:signup-verify"), {"code": wrong_code(last_code(sms)), **data})
    assert AccessAttempt.objects.get().failures_since_start == 1
