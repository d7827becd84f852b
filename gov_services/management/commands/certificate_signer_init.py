"""Install the county's PDF signing certificate (PAdES), or make a demo CA for it.

    manage.py certificate_signer_init --county 130225 --demo
    manage.py certificate_signer_init --county 130225 --certificate signer.pem --chain ca.pem \\
        --key signer-key.pem --key-passphrase-env SIGNER_KEY_PASSPHRASE

The private key is re-encrypted with the project's key passphrase (settings.CERTIFICATE_KEY_PASSPHRASE,
else derived from SECRET_KEY) and never printed. The previous signer is retired; PDFs it signed stay valid.
"""

import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gov_services.certificates import services
from stations.models import Region
from stations.regions import codes


class Command(BaseCommand):
    help = "Install the county's PDF signing certificate for certificates, or create a demo CA (--demo)."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="the county's 6-digit division code")
        parser.add_argument("--demo", action="store_true", help="make a demo CA and signing certificate")
        parser.add_argument("--certificate", type=Path, help="the signing certificate (PEM)")
        parser.add_argument("--chain", type=Path, help="the CA chain (PEM), issuer first")
        parser.add_argument("--key", type=Path, help="the signing certificate's private key (PEM)")
        parser.add_argument("--key-passphrase-env", default="", help="environment variable holding the key's passphrase")

    def handle(self, *args, **options):
        county = Region.objects.filter(code__in=codes.stored_forms(options["county"]), level=Region.Level.COUNTY).first()
        if county is None:
            raise CommandError(f"No county with division code {options['county']}.")
        if options["demo"]:
            signer = services.county_signer_create_demo(county=county, actor=None)
        else:
            if not (options["certificate"] and options["key"]):
                raise CommandError("Give --certificate and --key (and --chain), or --demo.")
            passphrase = os.environ.get(options["key_passphrase_env"], "") if options["key_passphrase_env"] else ""
            try:
                signer = services.county_signer_load(
                    county=county, actor=None, certificate_pem=options["certificate"].read_text(),
                    chain_pem=options["chain"].read_text() if options["chain"] else "",
                    private_key_pem=options["key"].read_text(),
                    private_key_passphrase=passphrase.encode() if passphrase else None)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{county.name}: PDF signing certificate installed (#{signer.pk})."))
