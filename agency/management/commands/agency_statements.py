from django.core.management.base import BaseCommand, CommandError

from agency.services import commission_statements_generate_month
from core.money import yuan_plain
from core.timeutil import last_full_month, parse_month


class Command(BaseCommand):
    help = "Generate the monthly commission statements of every station (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args, month=None, **options):
        try:
            first = parse_month(month) if month else last_full_month()
        except ValueError as error:
            raise CommandError(f"--month takes YYYY-MM, not {month!r}") from error
        try:
            statements = commission_statements_generate_month(actor=None, month=first)
        except Exception as error:  # ValidationError: the month has not ended
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        for statement in statements:
            self.stdout.write(f"{statement.station.code} {statement.month:%Y-%m} {statement.get_status_display()} "
                              f"net {yuan_plain(statement.net_fen)}")
        self.stdout.write(self.style.SUCCESS(f"{len(statements)} statements for {first:%Y-%m}"))
