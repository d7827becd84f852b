from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class PhoneBackend(ModelBackend):
    """Let people sign in with their mobile number as well as their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not username.isdigit():
            return None
        user = User.objects.filter(phone=username).order_by("pk").first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        User().set_password(password)  # same work either way: no timing hint that the phone exists
        return None
