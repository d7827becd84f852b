"""Before an upgrade: which pending migrations would hold a long lock on a large table (core/migration_locks.py).

    manage.py migrations_lock_check                    # the pending migrations; exit status 1 when one would
    manage.py migrations_lock_check --min-rows 10000   # a smaller county: flag smaller tables too
    manage.py migrations_lock_check --migration gov_services 0015_servicerequest_submitted_at_index
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.migration_locks import lock_risks, pending_migrations


class Command(BaseCommand):
    help = "List the pending migrations' statements that would lock a large table while they scan or rewrite it."

    def add_arguments(self, parser):
        parser.add_argument("--min-rows", type=int, default=100_000,
                            help="flag tables with at least this many (estimated) rows (default 100,000)")
        parser.add_argument("--migration", nargs=2, action="append", metavar=("APP", "NAME"),
                            help="check this migration instead of the pending ones (applied or not; repeatable)")

    def handle(self, *args, **options):
        if options["migration"]:
            loader = MigrationLoader(connection)
            try:
                migrations = [loader.get_migration_by_prefix(app, name) for app, name in options["migration"]]
            except (KeyError, ValueError) as error:
                raise CommandError(str(error)) from error
        else:
            migrations = pending_migrations()
            self.stdout.write(f"{len(migrations)} pending migration(s)")
        risks = lock_risks(migrations, min_rows=options["min_rows"])
        for risk in risks:
            self.stdout.write(f"{risk.migration}: {risk.why} {risk.table} (~{risk.rows:,} rows): {risk.statement}")
        if risks:
            raise CommandError(f"{len(risks)} statement(s) would lock a large table while they run: plan a "
                               "maintenance window, or split the migration (README, Upgrades)")
        self.stdout.write(self.style.SUCCESS("no pending statement locks a large table for long"))
