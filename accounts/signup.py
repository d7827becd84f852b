"""Residents' own accounts: sign-up by mobile number and password reset by SMS code.

The caller proves the number first (accounts/phone_codes.py); these services only write.
A resident's username is their mobile number, so they sign in with the number they signed up
with (accounts/backends.PhoneBackend also finds them by `phone`).
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_role_grant
from core.audit import audit_event_record


def phone_account_exists(*, phone: str) -> bool:
    """Whether someone already signs in with this number (as their username or their phone)."""
    return User.objects.filter(Q(phone=phone) | Q(username=phone)).exists()


def _taken() -> ValidationError:
    return ValidationError(_("You already have an account with this number. Please sign in."), code="phone_taken")


@transaction.atomic
def resident_account_create(*, phone: str, full_name: str, password: str) -> User:
    """A new resident account for a verified mobile number, in the resident role.

    `phone` must be validated and proven by an SMS code. Raises ValidationError: phone_taken when
    the number already has an account (also when two sign-ups race), or the password's problems
    under "password".
    """
    full_name = full_name.strip()
    if phone_account_exists(phone=phone):
        raise _taken()
    user = User(username=phone, phone=phone, full_name=full_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password", "username"])
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:  # the same number signed up a moment ago
        raise _taken() from error
    user_role_grant(user=user, role=Role.RESIDENT, actor=user)
    audit_event_record(actor=user, action="user.signed_up", target=user,
                       data={"phone": phone, "phone_verified_by": "sms_code"})
    return user


def _resettable_by_sms(user: User) -> bool:
    """Only plain resident accounts: staff passwords are reset by their administrator."""
    return user.is_active and not user.is_staff and not user.is_superuser and user.roles <= {Role.RESIDENT}


def sms_resettable_account(*, phone: str) -> User | None:
    """The resident account that signs in with this number, when its password may be reset by SMS."""
    user = User.objects.filter(Q(phone=phone) | Q(username=phone)).order_by("pk").first()
    return user if user is not None and _resettable_by_sms(user) else None


@transaction.atomic
def resident_password_reset(*, phone: str, password: str) -> User:
    """Set a new password on the resident account of a verified mobile number.

    Raises ValidationError (code no_account) when the number has no account that may be reset
    by SMS, and the password's problems under "password". Other sessions of the account end,
    because the stored password hash changes.
    """
    user = sms_resettable_account(phone=phone)
    if user is None:
        raise ValidationError(_("No resident account uses this number. Sign up, or ask at your village station."),
                              code="no_account")
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(actor=user, action="user.password_reset", target=user, data={"by": "sms_code"})
    return user
