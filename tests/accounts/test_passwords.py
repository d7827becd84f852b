"""Staff passwords (accounts/passwords.py): complexity, no reuse of the last five, expiry after 90 days."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import PasswordHistoryEntry, User
from accounts.passwords import password_expired
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff(password="Start-pass-2026"):
    user = UserFactory(roles=[Role.OPERATOR])
    user.set_password(password)
    user.save()
    return user


@pytest.mark.parametrize("password", ["shortA1!", "alllowercaseletters", "lowercase-and-symbols", "ABCDEFGH12345"])
def test_a_staff_password_must_be_long_and_mixed(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=_staff())


def test_a_good_staff_password_passes():
    validate_password("Village-Station-7", user=_staff())


def test_a_new_named_account_is_staff_and_a_resident_sign_up_is_not():
    validate_password("village2026", user=User(username="13800001111", phone="13800001111"))
    with pytest.raises(ValidationError):
        validate_password("village2026", user=User(username="zhang.admin", phone="13800001111"))


def test_a_resident_keeps_djangos_ordinary_rules():
    resident = UserFactory(roles=[Role.RESIDENT])
    validate_password("village2026", user=resident)


def test_the_last_five_passwords_may_not_come_back():
    user = _staff("Pass-number-0")
    for n in range(1, 6):
        user.set_password(f"Pass-number-{n}")
        user.save()
    assert user.password_history.count() == 5
    for n in range(1, 6):
        with pytest.raises(ValidationError, match="最近"):
            validate_password(f"Pass-number-{n}", user=user)
    validate_password("Pass-number-0", user=user)  # the sixth back is allowed again


def test_a_staff_password_expires_after_ninety_days(settings):
    user = _staff()
    assert not password_expired(user)
    PasswordHistoryEntry.objects.filter(user=user).update(created_at=timezone.now() - datetime.timedelta(days=91))
    assert password_expired(user)
    settings.STAFF_PASSWORD_MAX_AGE_DAYS = 0
    assert not password_expired(user)


def test_an_expired_password_is_changed_before_anything_else(client):
    user = _staff("Old-pass-2026x")
    PasswordHistoryEntry.objects.filter(user=user).update(created_at=timezone.now() - datetime.timedelta(days=100))
    response = client.post("/login/", {"username": user.username, "password": "Old-pass-2026x"})
    assert response.status_code == 302
    assert client.get("/counter/")["Location"] == "/password/change/"
    assert client.get("/password/change/").status_code == 200
    reused = client.post("/password/change/", {"old_password": "Old-pass-2026x", "new_password1": "Old-pass-2026x",
                                                "new_password2": "Old-pass-2026x"})
    assert reused.status_code == 200  # refused: it is the current one
    weak = client.post("/password/change/", {"old_password": "Old-pass-2026x", "new_password1": "weakweakweak",
                                             "new_password2": "weakweakweak"})
    assert weak.status_code == 200
    done = client.post("/password/change/", {"old_password": "Old-pass-2026x", "new_password1": "New-pass-2027y",
                                             "new_password2": "New-pass-2027y"})
    assert done.status_code == 302
    assert client.get("/counter/").status_code == 403  # no station post in this test: the page's own answer
    assert not password_expired(User.objects.get(pk=user.pk))
