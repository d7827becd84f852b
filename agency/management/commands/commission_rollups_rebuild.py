"""Rebuild the commission rollups from the ledger: a backfill after installing them, or a repair.

    manage.py commission_rollups_rebuild                 # every month with counted journals
    manage.py commission_rollups_rebuild --month 2026-03 # one month (repeatable)

Each month is rewritten in its own transaction (see agency/services/rollups.py), so postings may go on
meanwhile and an interrupted run can simply be run again.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from agency.services.rollups import rollup_months, rollups_rebuild
from core.timeutil import parse_month

BAR = 30


class Command(BaseCommand):
    help = "Rebuild the commission rollups (the commission report's sums) from the ledger, month by month."

    def add_arguments(self, parser):
        parser.add_argument("--month", action="append", help="YYYY-MM (repeatable; default: every month)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, cron)")

    def handle(self, *args, month=None, no_progress=False, **options):
        try:
            months = sorted({parse_month(m) for m in month}) if month else None
        except ValueError as error:
            raise CommandError(f"--month takes YYYY-MM, not {month!r}") from error
        total = len(months) if months is not None else len(rollup_months())
        done, started = [0], time.monotonic()
        show = not no_progress and total > 0

        def on_month(first, rows):
            done[0] += 1
            if show:
                filled = BAR * done[0] // total
                self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done[0]}/{total} {first:%Y-%m} "
                                  f"{rows:,} rows, {time.monotonic() - started:.0f} s", ending="")
                self.stdout.flush()

        written = rollups_rebuild(months, on_month=on_month)
        if show:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{written:,} rollup rows written for {done[0]} months"))
