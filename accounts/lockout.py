"""Guessing is throttled per account and per client address (django-axes), for passwords and SMS codes.

Every sign-in form — ours (/login/), Oscar's (/shop/accounts/login/), Django admin's and Wagtail's
(/cms/login/) — calls authenticate(), where LockoutBackend (first of AUTHENTICATION_BACKENDS) refuses a
locked account or address before any password is checked, and AxesMiddleware answers with
lockout_response. Wrong SMS codes (sign-up, password reset, consent at the counter) are recorded here
too, under "sms:<number>", by code_guard.

Within LOGIN_LOCKOUT_MINUTES of the last failure, a lock falls after
- LOGIN_FAILURE_LIMIT wrong passwords for one account, however it was named (username, phone, e-mail);
- SMS_CODE_FAILURE_LIMIT wrong codes for one number (each code also dies after its own 5 wrong guesses);
- LOGIN_ADDRESS_FAILURE_LIMIT failures of either kind from one client address (core.http.client_address).
  Generous, because a village shares its carrier's address and a counter PC is shared by its staff.
A lock lasts LOGIN_LOCKOUT_MINUTES from the failure that set it (refused attempts do not extend it), or
until an administrator lifts it (accounts.services.lockout_lift). Both are audit events.
"""

from contextlib import contextmanager

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record

SMS_PREFIX = "sms:"
LOCKED_OUT = "locked_out"  # the ValidationError code of a refused code check


def locked_message() -> str:
    return _("Too many wrong attempts: sign-in and codes are locked here for %(minutes)d minutes. Try again "
             "later, or ask the system administrator of the county platform to lift the lock.") % {
        "minutes": settings.LOGIN_LOCKOUT_MINUTES}


# --- What axes counts -------------------------------------------------------------------------------

def attempt_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in names, so that one account's guesses add up
    whether it was typed as username, phone or e-mail. A name of no account is counted as typed."""
    typed = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if not typed or typed.startswith(SMS_PREFIX):
        return typed or None
    cache = request.__dict__.setdefault("_cz_attempt_usernames", {})
    if typed not in cache:
        cache[typed] = _account_username(typed) or typed
    return cache[typed]


def _account_username(typed: str) -> str | None:
    """The username of the account the sign-in backends would try: by username, by active phone, or
    by an e-mail address that only one account has."""
    if User.objects.filter(username=typed).exists():
        return typed
    by_phone = User.objects.filter(phone=typed, is_active=True).values_list("username", flat=True).first()
    if by_phone:
        return by_phone
    by_email = list(User.objects.filter(email__iexact=typed).values_list("username", flat=True)[:2])
    return by_email[0] if len(by_email) == 1 else None


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: the limit of the account (or number) named; the address's is in the handler."""
    name = (credentials or {}).get("username") or ""
    return settings.SMS_CODE_FAILURE_LIMIT if name.startswith(SMS_PREFIX) else settings.LOGIN_FAILURE_LIMIT


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for the client address (axes has one limit for all
    lockout parameters; its maintainers point to a handler like this one, jazzband/django-axes#661).

    AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: the account's attempts, then the address's."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials))
        if per_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(per_account, failure_limit(request, credentials))
        return per_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that account's failures only. Clearing the address's too would let
        anyone wipe an address's count by signing in to their own account between guesses."""
        account_attempts, _address_attempts = self.filter_user_attempts(request, credentials)
        count, _deleted = account_attempts.delete()
        return count


class LockoutBackend(AxesStandaloneBackend):
    """axes' guard. authenticate() without a request (Oscar signs a new customer in right after
    registration with the password just chosen; the test client's login) guesses nothing: it passes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: one page, for every sign-in form, that says what happened and what to do."""
    response = TemplateResponse(request, "accounts/locked_out.html", {"message": locked_message()},
                                status=settings.AXES_HTTP_RESPONSE_CODE)
    return response.render()  # AxesMiddleware swaps it in after the view's response was rendered


# --- SMS codes --------------------------------------------------------------------------------------

def _code_credentials(phone: str) -> dict:
    return {"username": f"{SMS_PREFIX}{phone}"}


def _attempt_request(request: HttpRequest) -> HttpRequest:
    """What axes records of a code check: who, from where, on which page — and none of the form (a
    counter form holds a resident's ID number, which must not end up in the attempt log)."""
    copy = HttpRequest()
    copy.method = "POST"
    copy.path = copy.path_info = request.path
    copy.META = {key: request.META[key] for key in ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT",
                                                    "HTTP_ACCEPT") if key in request.META}
    return copy


@contextmanager
def code_guard(request: HttpRequest, *, phone: str, failed=lambda error: True):
    """Around a check of an SMS code sent to `phone`: refuses (ValidationError LOCKED_OUT) while the
    number or the client address is locked, and records the check as a failed attempt when the block
    raises a ValidationError that `failed(error)` calls a wrong code."""
    attempt = _attempt_request(request)
    credentials = _code_credentials(phone)
    if not AxesProxyHandler.is_allowed(attempt, credentials):
        raise ValidationError(locked_message(), code=LOCKED_OUT)
    try:
        yield
    except ValidationError as error:
        if failed(error):
            AxesProxyHandler.user_login_failed(sender=code_guard, credentials=credentials, request=attempt)
        raise


# --- Audit ------------------------------------------------------------------------------------------

def attempt_target(*, username: str | None, address: str | None):
    """What an audit event of a lock names: the account when there is one, else the latest attempt row."""
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        return user
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    return attempts.filter(username=username).first() if username else attempts.filter(ip_address=address).first()


@receiver(user_locked_out, dispatch_uid="accounts.lockout.audit")
def _audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    # axes sends this again for each attempt refused during the lock; only the failure that set the
    # lock has a failure count on the request.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    per_account = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
    target = attempt_target(username=username, address=ip_address)
    if target is None:
        return
    audit_event_record(actor=None, action="login.locked_out", target=target, data={
        "username": username, "address": ip_address, "path": request.path,
        "by": "account" if (per_account or 0) >= failure_limit(request, {"username": username}) else "address"})
