"""Import a WeChat Pay or Alipay daily bill and compare it with our payments (shop/services/reconciliation.py).

    manage.py wallet_bill_import --wallet wechat --date 2026-12-05 --user county_admin [--file bill.csv]

Without --file the bill is fetched from the wallet's bill API. The comparison runs here (not queued), printing
its progress and then the report; the import is kept like one made on the screen (/county/payments/bills/).
Exit status 1 when there are mismatches, so that a scheduler can alert; a bill that cannot be read is an error.
"""

import datetime
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from shop.services.reconciliation import wallet_bill_import_create, wallet_bill_reconcile_run


class Command(BaseCommand):
    help = "Import a WeChat Pay or Alipay daily bill and report where it differs from our payments."

    def add_arguments(self, parser):
        parser.add_argument("--wallet", choices=["wechat", "alipay"], required=True)
        parser.add_argument("--date", required=True, help="the bill's day, YYYY-MM-DD")
        parser.add_argument("--user", required=True, help="username of the county admin the import is made as")
        parser.add_argument("--file", help="the bill file; omitted: fetched from the wallet")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD") from error
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        path = Path(options["file"]) if options.get("file") else None
        if path is not None and not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            bill = wallet_bill_import_create(actor=user, idempotency_key=uuid.uuid4(), provider=options["wallet"],
                                             bill_date=day, content=path.read_bytes() if path else None,
                                             file_name=path.name if path else "", queue=False)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        bill = wallet_bill_reconcile_run(
            bill_id=bill.pk, progress=lambda done, total: self.stdout.write(f"  {done}/{total} rows compared"))
        if bill.error:
            raise CommandError(bill.error)
        self.stdout.write(f"{bill.rows_done}/{bill.rows_total} rows compared")
        self.stdout.write(f"{bill.get_provider_display()} {day}: matched {bill.matched}, missing on our side "
                          f"{bill.missing_ours}, missing in the bill {bill.missing_theirs}, amount differs "
                          f"{bill.amount_differs}")
        for m in bill.mismatches:
            self.stdout.write(f"  {m['kind']:15} {m['what']:8} {m['out_trade_no']:32} bill={m['theirs_fen']} "
                              f"ours={m['ours_fen']} order={m['order_number'] or '-'}")
        if bill.mismatches:
            raise SystemExit(1)
