"""Give or take an administrator's role from the command line: how the county names its first security
administrator at installation (after that the security admin does it at /ops/admins/). The separation of
the three roles holds here too (accounts.services.separated_role_refusal).

    manage.py admin_role grant --user wang.security --role security_admin
    manage.py admin_role revoke --user li.audit --role audit_admin
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import SEPARATED_ROLES, Role
from accounts.services import user_role_grant, user_role_revoke

ROLES = sorted(role.value for role in SEPARATED_ROLES | {Role.DATA_OFFICER})


class Command(BaseCommand):
    help = "Give or take the system, security or audit administrator's role, or the data officer's."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["grant", "revoke"])
        parser.add_argument("--user", required=True, help="the account's user name")
        parser.add_argument("--role", required=True, choices=ROLES)

    def handle(self, *args, verb, user, role, **options):
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"no active account {user!r}")
        try:
            (user_role_grant if verb == "grant" else user_role_revoke)(user=account, role=Role(role), actor=None)
        except PermissionDenied as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(f"{account.username}: {verb} {role}")
