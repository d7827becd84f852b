from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class PhoneBackend(ModelBackend):
    """Let people sign in with their mobile number as well as their username.

    Never ambiguous: at most one active account holds a number (a unique index), and a number that
    is someone's username signs in that account only (ModelBackend's, before this one).
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
