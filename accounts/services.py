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
