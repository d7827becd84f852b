"""Counter PCs are shared: a staff session ends when the browser closes and after
STAFF_SESSION_IDLE_MINUTES without a request, and no staff page is kept in a browser's cache.

Staff means every role but resident (and Django's staff and superusers). Merchants count too: their
dashboard shows customers' names, phones and addresses, and a shop's PC is as shared as a counter's.
Residents keep Django's longer session (SESSION_COOKIE_AGE) on their own phones.
"""

import time
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import ROLE_WORKSPACES, Role

LAST_SEEN = "cz_last_seen"
PASSWORD_EXPIRED = "cz_password_expired"  # set at sign-in when the staff password is too old (accounts/passwords.py)
TWO_FACTOR_PENDING = "cz_two_factor"  # "verify" or "setup": set at sign-in while a second factor is owed
STAFF_SESSION = "cz_staff"  # set at sign-in, so that no request pays a query to know
_TOUCH_EVERY = 60  # seconds: the idle clock needs no finer grain, and each touch is a session write


def is_staff_user(user) -> bool:
    return bool(user is not None and user.is_authenticated
                and (user.is_staff or user.is_superuser or user.roles - {Role.RESIDENT}))


@receiver(user_logged_in, dispatch_uid="accounts.middleware.staff_session")
def _start_staff_session(sender, request, user, **kwargs):
    """A staff member's session: a cookie that ends with the browser, and the idle clock started.
    (A role granted later takes effect at the next sign-in.)"""
    if request is not None and is_staff_user(user):
        from accounts.passwords import password_expired

        if password_expired(user):
            request.session[PASSWORD_EXPIRED] = True
        request.session[STAFF_SESSION] = True
        request.session[LAST_SEEN] = int(time.time())
        request.session.set_expiry(0)


@receiver(user_logged_in, dispatch_uid="accounts.middleware.two_factor")
def _owe_second_factor(sender, request, user, **kwargs):
    """Decided once at sign-in (one query), so that no later request pays for it."""
    from accounts.two_factor import two_factor_step

    step = two_factor_step(user) if request is not None else ""
    if step:
        request.session[TWO_FACTOR_PENDING] = step


@cache
def two_factor_open_paths() -> tuple[str, ...]:
    """What a session that still owes its second factor may open."""
    return (reverse("accounts:two-factor-verify"), reverse("accounts:two-factor-setup"),
            reverse("accounts:logout"), settings.STATIC_URL)


@cache
def staff_path_prefixes() -> tuple[str, ...]:
    """Every workspace a role lands in (/counter/, /dept/, /county/, /merchant/, /cms/), the Django admin
    and Oscar's staff dashboard: their pages, login pages included, are never cached by a browser."""
    return tuple({reverse(url_name) for _role, url_name in ROLE_WORKSPACES}
                 | {reverse("admin:index"), reverse("dashboard:index")})


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_staff = self._is_staff_session(request)
        if was_staff and self._idle_too_long(request):
            logout(request)
            messages.info(request, _("You were signed out after %(minutes)d minutes without activity. "
                                     "Please sign in again.") % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES})
        response = self.get_response(request)
        is_staff = self._is_staff_session(request)  # the sign-in page may have just signed someone in
        if is_staff:
            self._touch(request)
        if was_staff or is_staff or request.path.startswith(staff_path_prefixes()):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _is_staff_session(request) -> bool:
        # Visitors without a session cookie are not asked for one (that would add Vary: Cookie).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.session.modified:
            return False
        return bool(request.session.get(STAFF_SESSION))

    @staticmethod
    def _idle_too_long(request) -> bool:
        last_seen = request.session.get(LAST_SEEN, 0)
        return time.time() - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60

    @staticmethod
    def _touch(request) -> None:
        now = time.time()
        if now - request.session.get(LAST_SEEN, 0) >= _TOUCH_EVERY:
            request.session[LAST_SEEN] = int(now)


class PasswordExpiryMiddleware:
    """A staff member signed in with an expired password changes it before any other page (sign-out and
    the static files excepted). Decided once at sign-in: no query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(PASSWORD_EXPIRED)
                and request.user.is_authenticated):
            allowed = (reverse("accounts:password-change"), *two_factor_open_paths())
            if not request.path.startswith(allowed):
                from django.shortcuts import redirect

                messages.warning(request, _("Your password is more than %(days)d days old. Choose a new one to go on.")
                                 % {"days": settings.STAFF_PASSWORD_MAX_AGE_DAYS})
                return redirect("accounts:password-change")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Someone whose sign-in still owes a second factor (accounts/two_factor.py) is sent to give it, or to
    set up an authenticator first, before any other page. Before PasswordExpiryMiddleware: the code comes
    before a new password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            step = request.session.get(TWO_FACTOR_PENDING)
            if step and not request.path.startswith(two_factor_open_paths()):
                from urllib.parse import quote

                from django.shortcuts import redirect

                target = reverse("accounts:two-factor-verify" if step == "verify" else "accounts:two-factor-setup")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)
