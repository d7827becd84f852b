"""Residents sign up with their mobile number and an SMS code, and reset a forgotten password the same way."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import phone_codes
from accounts.models import User
from accounts.roles import Role
from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from core.sms import BaseBackend
from tests.factories import UserFactory
from tests.sms_capture import BACKEND, texts_captured

pytestmark = pytest.mark.django_db

PHONE = "13935001234"
PASSWORD = "qiuShou-2025-mai"


class BrokenBackend(BaseBackend):
    def send(self, message):
        raise ConnectionError("gateway down")


@pytest.fixture(autouse=True)
def sms(settings):
    yield from texts_captured(settings, cache_location="signup-tests")


@pytest.fixture
def clock(monkeypatch):
    """Move time forward for the resend throttle: clock.advance(seconds)."""
    class Clock:
        now = 1_700_000_000.0

        def advance(self, seconds):
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(phone_codes.time, "time", lambda: clock.now)
    return clock


def url(name):
    return reverse(f"accounts:{name}")


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group()


def start(client, phone=PHONE, **extra):
    return client.post(url("signup"), {"phone": phone, **extra})


def finish(client, code, **overrides):
    data = {"code": code, "full_name": "王秀英", "password1": PASSWORD, "password2": PASSWORD, **overrides}
    return client.post(url("signup-verify"), data)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- Sending the code ------------------------------------------------------------------------------

def test_sign_up_sends_a_six_digit_code_by_sms_and_goes_to_step_two(client, sms):
    response = start(client, "139 3500 1234")
    assert response.status_code == 302
    assert response.url == url("signup-verify")
    assert len(sms) == 1
    assert sms[0].phone == PHONE
    assert re.search(r"\b\d{6}\b", sms[0].text)
    assert (sms[0].purpose, sms[0].params["code"]) == ("phone_code", last_code(sms))
    row = SmsOutboxMessage.objects.get()  # the outbox keeps the row, the code masked
    assert (row.purpose, row.status, row.params["code"]) == ("phone_code", "sent", "******")
    assert last_code(sms) not in row.text
    page = client.get(url("signup-verify")).content.decode()
    assert "139****1234" in page
    assert PHONE not in page


def test_the_code_is_kept_only_as_a_hash(client, sms):
    start(client)
    code = last_code(sms)
    stored = cache.get(phone_codes._key("code", phone_codes.SIGNUP, PHONE))
    assert stored and code not in stored and len(stored) == 64
    assert not any(PHONE in key for key in cache._cache)  # keys carry an HMAC of the number


def test_an_invalid_mobile_number_is_refused_beside_the_field(client, sms):
    response = start(client, "12345")
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert sms == []


def test_an_existing_phone_is_told_to_sign_in_and_gets_no_code(client, sms):
    UserFactory(username="wang", phone=PHONE)
    response = start(client)
    assert response.status_code == 200
    assert response.context["account_exists"] is True
    page = response.content.decode()
    assert 'id="account-exists"' in page and reverse("accounts:login") in page
    assert sms == []
    assert User.objects.filter(phone=PHONE).count() == 1


def test_asking_again_within_a_minute_sends_no_second_code(client, sms, clock):
    start(client)
    response = client.post(url("signup-verify"), {"resend": "1"}, follow=True)
    assert len(sms) == 1
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and "60" in str(errors[0])
    # Step 1 again (a double click, a reload) does not send either, and moves on to the code.
    assert start(client).url == url("signup-verify")
    assert len(sms) == 1


def test_a_new_code_after_a_minute_replaces_the_old_one(client, sms, clock):
    start(client)
    old = last_code(sms)
    clock.advance(61)
    client.post(url("signup-verify"), {"resend": "1"})
    assert len(sms) == 2
    new = last_code(sms)
    if new != old:
        response = finish(client, old)
        assert response.status_code == 200
        assert not User.objects.filter(phone=PHONE).exists()
    assert finish(client, new).status_code == 302
    assert User.objects.filter(phone=PHONE).count() == 1


def test_codes_per_number_are_limited_per_hour(client, sms, clock):
    for _ in range(phone_codes.SENDS_PER_PHONE_PER_HOUR):
        start(client)
        clock.advance(61)
    response = start(client)
    assert response.status_code == 200
    assert len(sms) == phone_codes.SENDS_PER_PHONE_PER_HOUR
    assert response.context["form"].errors["phone"]


def test_codes_per_client_address_are_limited_per_hour(client, sms):
    for n in range(phone_codes.SENDS_PER_IP_PER_HOUR):
        assert start(client, f"1393500{n:04d}").status_code == 302
    response = start(client, "13935009999")
    assert response.status_code == 200
    assert len(sms) == phone_codes.SENDS_PER_IP_PER_HOUR
    assert response.context["form"].errors.as_data()["phone"][0].code == phone_codes.IP_HOURLY_LIMIT


def test_a_gateway_failure_says_try_again_and_does_not_block_the_retry(client, sms, settings):
    settings.SMS_BACKEND = "tests.accounts.test_signup.BrokenBackend"
    response = start(client)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["phone"][0].code == phone_codes.SEND_FAILED
    settings.SMS_BACKEND = BACKEND
    assert start(client).status_code == 302
    assert len(sms) == 1


# --- Checking the code -----------------------------------------------------------------------------

def test_five_wrong_codes_lock_the_code(client, sms):
    start(client)
    code = last_code(sms)
    for attempt in range(1, phone_codes.MAX_WRONG_ATTEMPTS):
        response = finish(client, wrong_code(code))
        error = response.context["form"].errors.as_data()["code"][0]
        assert error.code == phone_codes.WRONG
        assert str(phone_codes.MAX_WRONG_ATTEMPTS - attempt) in error.message
    response = finish(client, wrong_code(code))
    assert response.context["form"].errors.as_data()["code"][0].code == phone_codes.LOCKED
    # Even the right code no longer works: a new one must be asked for.
    response = finish(client, code)
    assert response.context["form"].errors.as_data()["code"][0].code == phone_codes.EXPIRED
    assert not User.objects.filter(phone=PHONE).exists()
    assert SESSION_KEY not in client.session


def test_a_code_expires_after_ten_minutes(client, sms):
    start(client)
    cache.delete(phone_codes._key("code", phone_codes.SIGNUP, PHONE))  # what the cache's timeout does
    response = finish(client, last_code(sms))
    assert response.context["form"].errors.as_data()["code"][0].code == phone_codes.EXPIRED


def test_a_form_error_does_not_use_up_the_code(client, sms):
    start(client)
    code = last_code(sms)
    response = finish(client, code, password2="something-else-1")
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    response = finish(client, code, password1="12345678", password2="12345678")
    assert response.context["form"].errors["password1"]  # entirely numeric, too common
    assert finish(client, code).status_code == 302


def test_full_width_digits_from_a_chinese_keyboard_are_accepted(client, sms):
    start(client, "１３９３５００１２３４")
    code = last_code(sms)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert finish(client, full_width).status_code == 302


def test_step_two_without_a_number_goes_back_to_step_one(client):
    response = client.get(url("signup-verify"))
    assert response.status_code == 302
    assert response.url == url("signup")


# --- The account -----------------------------------------------------------------------------------

def test_sign_up_creates_one_resident_account_and_signs_in(client, sms):
    start(client)
    response = finish(client, last_code(sms))
    assert response.status_code == 302
    assert response.url == reverse("gov_services:resident-service-request-list")
    user = User.objects.get(phone=PHONE)
    assert user.username == PHONE
    assert user.full_name == "王秀英"
    assert user.check_password(PASSWORD)
    assert user.roles == {Role.RESIDENT}
    assert not user.is_staff
    assert client.session[SESSION_KEY] == str(user.pk)
    assert {e.action for e in audit_events_for(user)} == {"role.granted", "user.signed_up"}
    # A resend of the last step (network drop) creates nothing more.
    again = finish(client, last_code(sms))
    assert again.status_code == 302
    assert User.objects.filter(phone=PHONE).count() == 1
    # The new resident signs in with the number and password.
    client.logout()
    assert client.login(username=PHONE, password=PASSWORD)


def test_sign_up_goes_back_to_the_page_it_started_from(client, sms):
    start(client, next="/services/HJ-001/apply/")
    assert finish(client, last_code(sms)).url == "/services/HJ-001/apply/"


def test_sign_up_ignores_a_next_address_on_another_site(client, sms):
    start(client, next="https://evil.example/phish")
    assert finish(client, last_code(sms)).url == reverse("gov_services:resident-service-request-list")


def test_a_number_that_signed_up_meanwhile_is_sent_to_sign_in(client, sms):
    start(client)
    UserFactory(username="other", phone=PHONE)
    response = finish(client, last_code(sms))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert User.objects.filter(phone=PHONE).count() == 1


def test_a_signed_in_person_is_not_shown_the_sign_up_page(client, resident):
    client.force_login(resident)
    response = client.get(url("signup"))
    assert response.status_code == 302
    assert response.url == reverse("gov_services:resident-service-request-list")


def test_sign_up_pages_render_in_chinese(client, sms):
    page = client.get(url("signup")).content.decode()
    assert 'name="phone"' in page and 'type="tel"' in page
    start(client)
    page = client.get(url("signup-verify")).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'name="resend"' in page


# --- Forgotten password ----------------------------------------------------------------------------

def test_password_reset_by_sms_code_sets_a_new_password_and_signs_in(client, sms):
    resident = UserFactory(username=PHONE, phone=PHONE, roles=[Role.RESIDENT])
    response = client.post(url("password-reset"), {"phone": PHONE})
    assert response.url == url("password-reset-verify")
    assert len(sms) == 1
    new = "chunGeng-2026-dou"
    response = client.post(url("password-reset-verify"), {"code": last_code(sms), "password1": new, "password2": new})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(new)
    assert client.session[SESSION_KEY] == str(resident.pk)


def test_staff_passwords_are_not_reset_by_sms_and_the_page_says_the_same(client, sms, operator):
    operator.phone = PHONE
    operator.save()
    response = client.post(url("password-reset"), {"phone": PHONE})
    assert response.url == url("password-reset-verify")
    assert sms == []
    response = client.post(url("password-reset-verify"), {"code": "123456", "password1": PASSWORD,
                                                           "password2": PASSWORD})
    assert response.status_code == 200
    operator.refresh_from_db()
    assert not operator.check_password(PASSWORD)


def test_a_sign_up_code_does_not_reset_a_password(sms):
    phone_codes.phone_code_send(phone=PHONE, purpose=phone_codes.SIGNUP, ip="10.0.0.1")
    with pytest.raises(ValidationError) as refused:
        phone_codes.phone_code_verify(phone=PHONE, purpose=phone_codes.PASSWORD_RESET, code=last_code(sms))
    assert refused.value.code == phone_codes.EXPIRED
    phone_codes.phone_code_verify(phone=PHONE, purpose=phone_codes.SIGNUP, code=last_code(sms))
