"""`manage.py restore_checks --manifest PATH`: check the database this process is pointed at against a
backup's manifest and every registered restore check (core/restore_checks.py). The restore drill runs it
against a freshly restored copy; exit status 1 when anything fails."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.restore_checks import CHECKS, table_count_problems


class Command(BaseCommand):
    help = "Check a restored database: row counts as in the backup's manifest, and every app's restore checks."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", required=True, help="the backup's manifest.json")

    def handle(self, *args, manifest, **options):
        expected = json.loads(Path(manifest).read_text(encoding="utf-8"))["table_counts"]
        results = {"row counts": table_count_problems(expected), **{name: check() for name, check in CHECKS.items()}}
        failed = 0
        for name, problems in results.items():
            if problems:
                failed += 1
                self.stdout.write(f"✗ {name}")
                for problem in problems[:20]:
                    self.stdout.write(f"    {problem}")
                if len(problems) > 20:
                    self.stdout.write(f"    … and {len(problems) - 20} more")
            else:
                self.stdout.write(f"✓ {name}")
        self.stdout.write(f"{sum(expected.values())} rows in {len(expected)} tables checked")
        if failed:
            raise CommandError(f"{failed} of {len(results)} checks failed")
