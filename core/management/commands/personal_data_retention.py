"""Delete or anonymise personal data past its retention period (core/retention.py), as the nightly job does.

    manage.py personal_data_retention --dry-run   # what each rule would touch, nothing changed
    manage.py personal_data_retention             # do it; the report is kept as a RetentionRun
"""

from django.core.management.base import BaseCommand, CommandError

from core.retention import personal_data_retention_run


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention period (PERSONAL_DATA_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be touched; change nothing")

    def handle(self, *args, **options):
        run = personal_data_retention_run(dry_run=options["dry_run"])
        for code, entry in run.outcome.items():
            result = entry.get("error") or f"{entry['records']} records"
            self.stdout.write(f"{code}: kept {entry['days']} days (before {entry['cutoff'][:10]}): {result}")
        if any("error" in entry for entry in run.outcome.values()):
            raise CommandError("a rule failed; the others ran (see above)")
