"""The sign-in backends: by username, by mobile number, by e-mail (Oscar's). Each gives the signed-in user
of later requests from the cache (accounts/user_cache.py) instead of a query per request."""

from django.contrib.auth.backends import ModelBackend
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend

from accounts.models import User
from accounts.user_cache import cached_user


class CachedUserMixin:
    def get_user(self, user_id):
        return cached_user(user_id, super().get_user)


class UsernameBackend(CachedUserMixin, ModelBackend):
    """Django's username and password sign-in."""


class PhoneBackend(CachedUserMixin, ModelBackend):
    """Let people sign in with their mobile number as well as their username.

    Never ambiguous: at most one active account holds a number (a unique index), and a number that
    is someone's username signs in that account only (UsernameBackend's, before this one).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not username.isdigit():
            return None
        user = None
        if not User.objects.filter(username=username).exists():
            user = User.objects.filter(phone=username, is_active=True).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        User().set_password(password)  # same work either way: no timing hint that the phone exists
        return None


class EmailBackend(CachedUserMixin, OscarEmailBackend):
    """Oscar's e-mail and password sign-in (the store's account pages)."""
