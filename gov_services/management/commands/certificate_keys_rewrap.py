"""Re-encrypt the certificate signing keys after SECRET_KEY (or CERTIFICATE_KEY_PASSPHRASE) changed.

    OLD_SECRET='the previous value' manage.py certificate_keys_rewrap --old-secret-env OLD_SECRET

Run it once with the new secret in the settings. All keys or none are changed; a second run changes
nothing. The old secret is read from the environment so it never lands in the shell history.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from gov_services.certificates import services


class Command(BaseCommand):
    help = "Re-encrypt the stored certificate signing keys with the current secret."

    def add_arguments(self, parser):
        parser.add_argument("--old-secret-env", required=True,
                            help="environment variable holding the previous SECRET_KEY / CERTIFICATE_KEY_PASSPHRASE")

    def handle(self, *args, **options):
        old_secret = os.environ.get(options["old_secret_env"], "")
        if not old_secret:
            raise CommandError(f"The environment variable {options['old_secret_env']} is empty or unset.")
        try:
            counts = services.certificate_keys_rewrap(old_secret=old_secret)
        except services.RewrapError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(self.style.SUCCESS(
            f"Re-encrypted {counts['signing_keys']} department signing key(s), "
            f"{counts['county_signers']} county PDF signing key(s) and {counts['county_cas']} demo CA key(s)."))
