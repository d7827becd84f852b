"""Staff passwords (等保 2.0: identification and authentication): complexity, reuse history and expiry.

Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) carry the first two; the third is
`password_expired`, which StaffSessionMiddleware asks on every staff request and which sends an expired
password to the change page. Staff means every account but a plain resident's (accounts.middleware):
residents sign up with an SMS-verified phone number and keep Django's ordinary rules.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role


def is_staff_account(user) -> bool:
    """Staff, also before the account is saved: a new account named by its phone number is a resident's
    sign-up (accounts/signup.py); any other new named account is made by an admin for staff."""
    if user is None:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.pk is None:
        return bool(user.username) and user.username != user.phone
    return bool(user.roles - {Role.RESIDENT})


class StaffPasswordComplexityValidator:
    """At least `min_length` characters of at least `min_classes` kinds (lower case, upper case, digits,
    other characters) for staff accounts."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length, self.min_classes = min_length, min_classes

    @staticmethod
    def _classes(password: str) -> int:
        return sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                    any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))

    def validate(self, password, user=None):
        if not is_staff_account(user):
            return
        if len(password) < self.min_length or self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_not_complex")

    def get_help_text(self):
        return _("A staff password has at least %(length)d characters and at least %(classes)d of: lower-case "
                 "letters, capital letters, digits, other characters.") % {"length": self.min_length,
                                                                           "classes": self.min_classes}


class PasswordHistoryValidator:
    """A staff password may not be one of the account's last `history` passwords; every saved password
    (staff or not: a resident may become staff) joins the history."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None or not is_staff_account(user):
            return
        earlier = [user.password] if user.password else []
        earlier += list(user.password_history.values_list("password", flat=True)[: self.history])
        if any(check_password(password, encoded) for encoded in earlier if encoded):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        from accounts.models import PasswordHistoryEntry

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistoryEntry.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.history:]
        PasswordHistoryEntry.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return ngettext("A staff password may not be the last one used.",
                        "A staff password may not be one of the last %(count)d used.", self.history) % {
            "count": self.history}


def password_set_at(user) -> datetime.datetime:
    """When the account's password was set: its newest history entry, else when the account was made."""
    newest = user.password_history.values_list("created_at", flat=True).first()
    return newest or user.date_joined


def password_expired(user, *, now: datetime.datetime | None = None) -> bool:
    """A staff password older than STAFF_PASSWORD_MAX_AGE_DAYS (0: never expires)."""
    days = getattr(settings, "STAFF_PASSWORD_MAX_AGE_DAYS", 90)
    if not days or not is_staff_account(user) or not user.has_usable_password():
        return False
    return password_set_at(user) < (now or timezone.now()) - datetime.timedelta(days=days)
