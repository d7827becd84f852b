from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

mainland_mobile = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13812345678."))


class User(AbstractUser):
    """Everyone who signs in: residents, station staff, officers, merchants and admins.

    `email` stays because Oscar's guest checkout and EmailBackend use it.
    """

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[mainland_mobile])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Sign-in by number (accounts/backends.py) must find one account; disabled ones keep theirs.
            models.UniqueConstraint(
                fields=["phone"], condition=models.Q(is_active=True) & ~models.Q(phone=""),
                name="accounts_user_active_phone_unique",
                violation_error_message=_("Another active account already has this mobile number.")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        # Chinese names are written whole; Oscar and Django ask for this one.
        return self.full_name or super().get_full_name()

    @cached_property
    def roles(self) -> frozenset[str]:
        """Role codes from the user's groups (one query, cached on the instance)."""
        names = self.groups.filter(name__in=Role.values).values_list("name", flat=True)
        return frozenset(names)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class ApiKey(models.Model):
    """A key with which a system (the county's WeChat account, the 12345 hotline's software) calls
    /api/ as one user: the user's roles and region decide what the key may do. Only a hash of the
    key is kept; the key is shown once when it is made."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80, help_text=_("Which system uses the key."))
    prefix = models.CharField(_("key starts with"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordHistoryEntry(models.Model):
    """A password a staff account has had (its hash): a new password may not be one of the last
    STAFF_PASSWORD_HISTORY, and the newest entry dates the password for STAFF_PASSWORD_MAX_AGE_DAYS
    (accounts/passwords.py). Written whenever a password is saved (Django calls the validators'
    password_changed)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history",
                             verbose_name=_("user"))
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
