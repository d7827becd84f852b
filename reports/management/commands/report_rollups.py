"""`manage.py report_rollups --rebuild | --check`: the daily request rollups the report pages read."""

from django.core.management.base import BaseCommand, CommandError

from reports.rollups import request_rollup_differences, request_rollups_rebuild, rollup_totals


class Command(BaseCommand):
    help = ("Rebuild the daily request rollups from the requests (--rebuild), or compare them with a recount "
            "(--check: exit status 1 when a cell differs).")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="count every rollup row again from the requests")
        parser.add_argument("--check", action="store_true", help="compare the rollups with a recount of the requests")

    def handle(self, *args, rebuild=False, check=False, **options):
        if not (rebuild or check):
            raise CommandError("Say --rebuild or --check (or both).")
        if rebuild:
            rows = request_rollups_rebuild()
            self.stdout.write(f"Rebuilt {rows:,} rollup rows ({rollup_totals()['received']:,} requests).")
        if check:
            differences = request_rollup_differences()
            if differences:
                for line in differences:
                    self.stderr.write(line)
                raise CommandError(f"The rollups differ from the requests in {len(differences)}"
                                   f"{'+' if len(differences) >= 20 else ''} cells; run --rebuild.")
            self.stdout.write(self.style.SUCCESS(
                f"The rollups equal a recount of the requests ({rollup_totals()['received']:,} requests)."))
