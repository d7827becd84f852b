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
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import ROLE_WORKSPACES, Role

LAST_SEEN = "cz_last_seen"
_TOUCH_EVERY = 60  # seconds: the idle clock needs no finer grain, and each touch is a session write


def is_staff_user(user) -> bool:
    return bool(user is not None and user.is_authenticated
                and (user.is_staff or user.is_superuser or user.roles - {Role.RESIDENT}))


@cache
def staff_path_prefixes() -> tuple[str, ...]:
    """Every workspace a role lands in (/counter/, /dept/, /county/, /shop/dashboard/, /cms/) and the
    Django admin: their pages, login pages included, are never cached by a browser."""
    return tuple({reverse(url_name) for _role, url_name in ROLE_WORKSPACES} | {reverse("admin:index")})


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_staff = is_staff_user(request.user)
        if was_staff and self._idle_too_long(request):
            logout(request)
            messages.info(request, _("You were signed out after %(minutes)d minutes without activity. "
                                     "Please sign in again.") % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES})
        response = self.get_response(request)
        is_staff = is_staff_user(request.user)  # the sign-in page may have just signed someone in
        if is_staff:
            self._touch(request)
        if was_staff or is_staff or request.path.startswith(staff_path_prefixes()):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _idle_too_long(request) -> bool:
        last_seen = request.session.get(LAST_SEEN)
        return last_seen is not None and time.time() - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60

    @staticmethod
    def _touch(request) -> None:
        session = request.session
        if session.get("_session_expiry") != 0:
            session.set_expiry(0)  # a cookie that ends with the browser
        now = time.time()
        if now - session.get(LAST_SEEN, 0) >= _TOUCH_EVERY:
            session[LAST_SEEN] = int(now)
