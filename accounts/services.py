import secrets

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, Role
from core.audit import audit_event_record


@transaction.atomic
def role_groups_sync() -> None:
    """Make each role's group carry exactly the permissions ROLE_PERMISSIONS names.

    Runs after every migrate. A codename that does not exist is a programming error
    and fails loudly rather than leaving a role silently without a permission.
    """
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


@transaction.atomic
def user_role_grant(*, user: User, role: Role, actor: User | None) -> None:
    group = Group.objects.get(name=role.value)
    if user.groups.filter(pk=group.pk).exists():
        return
    user.groups.add(group)
    user.__dict__.pop("roles", None)
    audit_event_record(actor=actor, action="role.granted", target=user, data={"role": role.value})


# No 0/O/1/l/I: the admin reads this password aloud or writes it on paper.
_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"


@transaction.atomic
def staff_user_get_or_create(*, full_name: str, phone: str, actor: User | None) -> tuple[User, str | None]:
    """The user with this mobile number, or a new one signing in by that number.

    Returns (user, initial_password); the password is None for an existing user and is
    shown once to the admin who created the account, never stored in clear.
    """
    user = User.objects.filter(phone=phone).order_by("pk").first()
    if user is not None:
        return user, None
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))
    user = User(username=phone, phone=phone, full_name=full_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_event_record(actor=actor, action="user.created", target=user, data={"phone": phone})
    return user, password
