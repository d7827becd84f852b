"""Commission rollups (agency/models/rollups.py): added to as journals post, rebuilt from the raw rows.

`rollup_journal` runs inside journal_post's transaction, so a journal and its rollup figures commit or
roll back together. It adds the journal's figures to its month rows and its day rows (its product's
and the all-products row of each) with one INSERT … ON CONFLICT … DO UPDATE SET x = x + excluded.x per
table (the same statement on SQLite and PostgreSQL): concurrent postings to the same row serialise on
the row, and none is lost. Django's bulk_create(update_conflicts=True) would overwrite, not add.

The figures of one journal, as reports/commission_figures.py defines them (debit +, credit −):
transactions / reversals count the journal by kind; volume / reversed volume its transaction's amount
(provider services only); gross = − the commission credited to the tiers' commission accounts by a
payment; clawback = the commission debited back by a reversal; tax = the tax lines on commission
accounts (+ on payment, − on reversal); each tier's share = − its commission lines (net of clawbacks).

`rollups_rebuild` recomputes months from the ledger (a backfill, or a repair): per month, in one
transaction, it deletes the month's rows and writes them again from two GROUP BY queries. On
PostgreSQL it locks the rollup tables against writers first: a posting whose journal the rebuild did
not see adds its figures after the rebuild commits; one it saw has committed before the lock.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from agency.models import (
    Account,
    CommissionDayRollup,
    CommissionRollup,
    CounterTransaction,
    Journal,
    LedgerEntry,
)
from agency.models.rollups import ALL_PRODUCTS, NO_PRODUCT, ROLLUP_SUMS
from stations.models import Region

BEIJING = ZoneInfo("Asia/Shanghai")  # a journal's day and month are Beijing's, as the statements count them
EARNING_KINDS = (CounterTransaction.Kind.PROVIDER, CounterTransaction.Kind.ORDER_COMMISSION)
COUNTED_JOURNALS = (Journal.Kind.PAYMENT, Journal.Kind.REVERSAL)
PAYMENT, REVERSAL = Journal.Kind.PAYMENT, Journal.Kind.REVERSAL
COMMISSION, TAX = LedgerEntry.Role.COMMISSION, LedgerEntry.Role.TAX


def is_counted(*, kind: str, counter_transaction, station_id: int | None) -> bool:
    """Whether the commission report counts a journal (and so whether it is rolled up)."""
    return (kind in COUNTED_JOURNALS and counter_transaction is not None and station_id is not None
            and counter_transaction.kind in EARNING_KINDS)


def _tiers_of(accounts: Iterable[Account]) -> dict[int, str | None]:
    """{account pk: tier} for commission accounts: the station's is the operator's, a township's or a
    county's region account theirs, the platform's has no owner. One query, for the region levels."""
    accounts = list(accounts)
    regions = {a.region_id for a in accounts if a.region_id and a.station_id is None}
    levels = dict(Region.objects.filter(pk__in=regions).values_list("pk", "level")) if regions else {}
    tiers: dict[int, str | None] = {}
    for account in accounts:
        if account.station_id is not None:
            tiers[account.pk] = "operator"
        elif account.region_id is not None:
            tiers[account.pk] = {Region.Level.TOWNSHIP: "township", Region.Level.COUNTY: "county"}.get(
                levels.get(account.region_id))
        else:
            tiers[account.pk] = "platform"
    return tiers


def journal_figures(*, kind: str, counter_transaction: CounterTransaction, lines: Sequence) -> dict[str, int]:
    """The rollup figures of one counted journal from its lines (objects with account, amount_fen, role)."""
    figures = dict.fromkeys(ROLLUP_SUMS, 0)
    payment = kind == PAYMENT
    figures["transactions" if payment else "reversals"] = 1
    if counter_transaction.kind == CounterTransaction.Kind.PROVIDER:
        figures["volume_fen" if payment else "reversed_volume_fen"] = counter_transaction.amount_fen
    commission_lines = [ln for ln in lines if ln.account.purpose == Account.Purpose.COMMISSION]
    tiers = _tiers_of({ln.account.pk: ln.account for ln in commission_lines if ln.role == COMMISSION}.values())
    for line in commission_lines:
        if line.role == TAX:
            figures["tax_fen"] += line.amount_fen
        elif line.role == COMMISSION:
            if payment:
                figures["gross_fen"] -= line.amount_fen
            else:
                figures["clawback_fen"] += line.amount_fen
            tier = tiers[line.account.pk]
            if tier is not None:
                figures[f"{tier}_fen"] -= line.amount_fen
    return figures


def rollup_journal(*, journal: Journal, lines: Sequence) -> None:
    """Add a just-posted journal to its month and day rows (a no-op for journals the report does not
    count). Call inside the posting's transaction."""
    tx = journal.counter_transaction
    if not is_counted(kind=journal.kind, counter_transaction=tx, station_id=journal.station_id):
        return
    figures = journal_figures(kind=journal.kind, counter_transaction=tx, lines=lines)
    day = timezone.localtime(journal.posted_at, BEIJING).date()
    sums = tuple(figures[name] for name in ROLLUP_SUMS)
    rows = [(journal.station_id, tx.product_id or NO_PRODUCT, sums), (journal.station_id, ALL_PRODUCTS, sums)]
    rollup_add(CommissionRollup, "month", day.replace(day=1), rows)
    rollup_add(CommissionDayRollup, "day", day, rows)


def rollup_add(model, date_field: str, date: datetime.date, rows: Sequence[tuple]) -> None:
    """Add `rows` — (station id, product key, sums in ROLLUP_SUMS order) — of `date` to `model`'s
    table, creating the rows that are not there yet. One statement."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key = (date_field, "station_id", "product_key")
    columns = (*key, *ROLLUP_SUMS)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    params = []
    for station_id, product, sums in rows:
        params += [connection.ops.adapt_datefield_value(date), station_id, product, *sums]
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ROLLUP_SUMS)
    sql = (f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES {placeholders} "
           f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- rebuilding from the raw rows -------------------------------------------------------------------

def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return (datetime.datetime.combine(month, datetime.time(), BEIJING),
            datetime.datetime.combine(following, datetime.time(), BEIJING))


def _counted_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind__in": COUNTED_JOURNALS, f"{prefix}counter_transaction__kind__in": EARNING_KINDS,
                f"{prefix}station__isnull": False})


def _day_keys(prefix: str = "") -> dict:
    return {"k_day": TruncDate(f"{prefix}posted_at", tzinfo=BEIJING), "k_station": F(f"{prefix}station_id"),
            "k_product": F(f"{prefix}counter_transaction__product_id")}


def raw_day_sums(start: datetime.datetime, end: datetime.datetime) -> dict[tuple, dict[str, int]]:
    """{(day, station id, product key): figures} of the journals posted in [start, end), from the raw
    rows: one GROUP BY over the journals, one over their commission and tax entries."""
    provider = Q(counter_transaction__kind=CounterTransaction.Kind.PROVIDER)
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ROLLUP_SUMS, 0))
    journals = (Journal.objects.filter(_counted_q(), posted_at__gte=start, posted_at__lt=end)
                .values(**_day_keys()).annotate(
                    transactions=Count("pk", filter=Q(kind=PAYMENT)), reversals=Count("pk", filter=Q(kind=REVERSAL)),
                    volume_fen=Sum("counter_transaction__amount_fen", filter=Q(kind=PAYMENT) & provider),
                    reversed_volume_fen=Sum("counter_transaction__amount_fen", filter=Q(kind=REVERSAL) & provider))
                .order_by())
    for row in journals:
        figures = out[(row["k_day"], row["k_station"], row["k_product"] or NO_PRODUCT)]
        for name in ("transactions", "reversals", "volume_fen", "reversed_volume_fen"):
            figures[name] += row[name] or 0
    commission = Q(role=COMMISSION)
    entries = (LedgerEntry.objects.filter(_counted_q("journal__"), journal__posted_at__gte=start,
                                          journal__posted_at__lt=end, account__purpose=Account.Purpose.COMMISSION,
                                          role__in=(COMMISSION, TAX))
               .values(**_day_keys("journal__")).annotate(
                   credited=Sum("amount_fen", filter=commission & Q(journal__kind=PAYMENT)),
                   clawback=Sum("amount_fen", filter=commission & Q(journal__kind=REVERSAL)),
                   tax=Sum("amount_fen", filter=Q(role=TAX)),
                   operator=Sum("amount_fen", filter=commission & Q(account__station__isnull=False)),
                   township=Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.TOWNSHIP)),
                   county=Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.COUNTY)),
                   platform=Sum("amount_fen", filter=commission & Q(account__station__isnull=True,
                                                                     account__region__isnull=True)))
               .order_by())
    for row in entries:
        figures = out[(row["k_day"], row["k_station"], row["k_product"] or NO_PRODUCT)]
        figures["gross_fen"] -= row["credited"] or 0
        figures["clawback_fen"] += row["clawback"] or 0
        figures["tax_fen"] += row["tax"] or 0
        for tier in ("operator", "township", "county", "platform"):
            figures[f"{tier}_fen"] -= row[tier] or 0
    return out


def _add(into: dict, key: tuple, figures: dict[str, int]) -> None:
    total = into[key]
    for name in ROLLUP_SUMS:
        total[name] += figures[name]


def _rows_of_month(month: datetime.date, days: dict[tuple, dict[str, int]]) -> tuple[list, list]:
    """The month's day rows and month rows, each with the all-products rows summed in."""
    by_day: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ROLLUP_SUMS, 0))
    by_month: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ROLLUP_SUMS, 0))
    for (day, station_id, product), figures in days.items():
        for product_key in (product, ALL_PRODUCTS):
            _add(by_day, (day, station_id, product_key), figures)
            _add(by_month, (station_id, product_key), figures)
    return ([CommissionDayRollup(day=day, station_id=s, product_key=p, **f) for (day, s, p), f in by_day.items()],
            [CommissionRollup(month=month, station_id=s, product_key=p, **f) for (s, p), f in by_month.items()])


def rollup_months() -> list[datetime.date]:
    """The months from the first counted journal to the last (Beijing time); [] for an empty ledger."""
    bounds = Journal.objects.filter(_counted_q()).aggregate(first=Min("posted_at"), last=Max("posted_at"))
    if bounds["first"] is None:
        return []
    month = timezone.localtime(bounds["first"], BEIJING).date().replace(day=1)
    last = timezone.localtime(bounds["last"], BEIJING).date().replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def rollup_month_rebuild(month: datetime.date) -> int:
    """Rewrite one month's rows from the raw rows, in one transaction; returns the rows written."""
    month = month.replace(day=1)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # see the module docstring
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table)
                               for m in (CommissionRollup, CommissionDayRollup))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        CommissionRollup.objects.filter(month=month).delete()
        CommissionDayRollup.objects.filter(day__gte=month, day__lt=following).delete()
        day_rows, month_rows = _rows_of_month(month, raw_day_sums(*_month_bounds(month)))
        CommissionDayRollup.objects.bulk_create(day_rows, batch_size=2000)
        CommissionRollup.objects.bulk_create(month_rows, batch_size=2000)
    return len(day_rows) + len(month_rows)


def rollups_rebuild(months: Iterable[datetime.date] | None = None,
                    on_month: Callable[[datetime.date, int], None] | None = None) -> int:
    """Rebuild `months` (default: every month with counted journals, and drop rows of other months);
    `on_month(month, rows)` after each (the command's progress bar). Returns the rows written."""
    if months is None:
        months = rollup_months()
        CommissionRollup.objects.exclude(month__in=months).delete()
        if months:
            following = (months[-1] + datetime.timedelta(days=32)).replace(day=1)
            CommissionDayRollup.objects.exclude(day__gte=months[0], day__lt=following).delete()
        else:
            CommissionDayRollup.objects.all().delete()
    written = 0
    for month in months:
        count = rollup_month_rebuild(month)
        written += count
        if on_month is not None:
            on_month(month, count)
    return written
