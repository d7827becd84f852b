"""Make or revoke an API key: `manage.py api_key create <username> "<system name>"` prints the key
once; `manage.py api_key revoke <prefix>`; `manage.py api_key list`."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiKey, User
from accounts.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Make, list or revoke the API keys other systems call /api/ with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("name")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        getattr(self, f"handle_{verb}")(**options)

    def handle_create(self, *, username, name, **_options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        _token, key = api_key_create(user=user, name=name, actor=None)
        self.stdout.write(f"API key for {name} (acts as {user.username}); shown this once:\n{key}")

    def handle_revoke(self, *, prefix, **_options):
        token = ApiKey.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No key starting with {prefix!r}.")
        api_key_revoke(token=token, actor=None)
        self.stdout.write(f"Revoked {token}.")

    def handle_list(self, **_options):
        for token in ApiKey.objects.select_related("user"):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
            self.stdout.write(f"{token.prefix}  {token.name}  {token.user.username}  {state}")
