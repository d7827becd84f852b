"""`manage.py db_partitions`: make the coming months' partitions of every month-partitioned table and
report each table's partitions (core/partitioning, docs/partitioning.md). Never drops or detaches
anything; months older than the retention are listed for an operator to archive."""

from django.core.management.base import BaseCommand
from django.db import connection

from core.partitioning.maintenance import partitions_ensure, partitions_move_default
from core.partitioning.months import MONTHS_AHEAD


class Command(BaseCommand):
    help = (
        "Make the next months' partitions of the month-partitioned tables (PostgreSQL) and report old ones; "
        "never drops anything."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ahead",
            type=int,
            default=MONTHS_AHEAD,
            help=f"months past the current one that must have a partition (default {MONTHS_AHEAD})",
        )
        parser.add_argument(
            "--retention",
            type=int,
            default=None,
            help="months kept attached; older ones are listed as archivable "
            "(default settings.PARTITION_RETENTION_MONTHS)",
        )
        parser.add_argument("--report-only", action="store_true", help="create nothing, only report")
        parser.add_argument(
            "--move-default",
            action="store_true",
            help="first move rows out of the default partitions into month partitions made for them "
            "(as the tables' owner; docs/partitioning.md)",
        )

    def handle(self, *args, ahead, retention, report_only, move_default, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(f"Partitioning is PostgreSQL only: nothing to do on {connection.vendor}.")
            return
        if move_default and not report_only:
            for table, count in partitions_move_default().items():
                self.stdout.write(f"{table}: moved {count:,} rows out of {table}_default")
        reports = partitions_ensure(months_ahead=ahead, retention_months=retention, create=not report_only)
        for report in reports:
            months = [p for p in report.partitions if p.month]
            self.stdout.write(
                f"{report.table} (by {report.column}): {len(months)} month partitions"
                + (f" {min(p.month for p in months):%Y-%m}…{report.last_month:%Y-%m}" if months else "")
                + f", {sum(p.rows for p in report.partitions):,} rows (estimate), "
                f"{sum(p.bytes for p in report.partitions) / 2**20:,.1f} MiB"
            )
            for name in report.created:
                self.stdout.write(f"  created {name}")
            if report.default_rows:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {report.default_rows:,} rows in {report.table}_default (outside every month partition)"
                    )
                )
            for month in report.blocked:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {month:%Y-%m}: not created, the default partition holds rows of that month "
                        "(docs/partitioning.md: moving rows out of the default partition)"
                    )
                )
            for partition in report.archivable:
                self.stdout.write(
                    f"  archivable (older than the retention): {partition.name}, {partition.rows:,} rows, "
                    f"{partition.bytes / 2**20:,.1f} MiB"
                )
