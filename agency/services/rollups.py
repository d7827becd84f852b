"""Commission rollups (agency/models/rollups.py): added to as journals post, rebuilt from the raw rows.

`rollup_journal` runs inside journal_post's transaction, so a journal and its rollup figures commit or
roll back together. It adds the journal's figures to its station's month rows and day rows (its
product's and the all-products row of each, stamped with the station's township) with one INSERT … ON
CONFLICT … DO UPDATE SET x = x + excluded.x per table (the same statement on SQLite and PostgreSQL):
concurrent postings to the same row serialise on the row, and none is lost. Only the station's own
postings touch its rows: no row is shared by the stations of a township.

The figures of one journal, as reports/commission_figures.py defines them (debit +, credit −):
transactions / reversals count the journal by kind; volume / reversed volume its transaction's amount
(provider services only); gross = − the commission credited to the tiers' commission accounts by a
payment; clawback = the commission debited back by a reversal; tax = the tax lines on commission
accounts (+ on payment, − on reversal); each tier's share = − its commission lines (net of clawbacks).

`rollups_rebuild` recomputes months from the ledger (a backfill, or a repair): per month, in one
transaction, it deletes the month's rows and has the database write them again with INSERT … SELECT
(the station day rows from two GROUP BY queries over the raw rows, the other tables summed from
those), so no row passes through Python and a month of 400,000 journals takes seconds. On
PostgreSQL it locks the rollup tables against writers first: a posting whose journal the rebuild did
not see adds its figures after the rebuild commits; one it saw has committed before the lock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncDate

from agency.chart import cached
from agency.commission_counting import (
    COMMISSION,
    COMMISSION_ENTRIES,
    COUNTED_JOURNALS,
    CREDITED,
    EARNING_KINDS,
    PAYMENT,
    TAX,
    counted_journals_q,
    entry_aggregates,
    journal_aggregates,
)
from agency.models import (
    Account,
    CommissionDayRollup,
    CommissionRollup,
    CounterTransaction,
    Journal,
    LedgerEntry,
)
from agency.models.rollups import ALL_PRODUCTS, NO_PRODUCT, ROLLUP_SUMS
from core.timeutil import COUNTY_TZ, local_date, month_bounds, months_between, next_month_start
from stations.models import TOWNSHIP_PATH_LENGTH, Region, Station

ROLLUP_TABLES = (CommissionRollup, CommissionDayRollup)
MONTH_TABLES = (CommissionRollup,)


def is_counted(*, kind: str, counter_transaction, station_id: int | None) -> bool:
    """Whether the commission report counts a journal (and so whether it is rolled up)."""
    return (kind in COUNTED_JOURNALS and counter_transaction is not None and station_id is not None
            and counter_transaction.kind in EARNING_KINDS)


def _tiers_of(accounts: Iterable[Account]) -> dict[int, str | None]:
    """{account pk: tier} for commission accounts: the station's is the operator's, a township's or a
    county's region account theirs, the platform's has no owner. One query, for the region levels."""
    accounts = list(accounts)
    regions = frozenset(a.region_id for a in accounts if a.region_id and a.station_id is None)
    levels = cached("region_levels", regions, lambda: dict(
        Region.objects.filter(pk__in=regions).values_list("pk", "level"))) if regions else {}
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


def _village_path(station_id: int, station: Station | None) -> str:
    if station is not None and station.pk == station_id and Station.village.is_cached(station):
        return station.village.path
    return Station.objects.filter(pk=station_id).values_list("village__path", flat=True).get()


def rollup_journal(*, journal: Journal, lines: Sequence, station: Station | None = None) -> None:
    """Add a just-posted journal to its station's month and day rows (a no-op for journals the report
    does not count). Call inside the posting's transaction; `station`, with its village loaded, saves
    a query."""
    tx = journal.counter_transaction
    if not is_counted(kind=journal.kind, counter_transaction=tx, station_id=journal.station_id):
        return
    figures = journal_figures(kind=journal.kind, counter_transaction=tx, lines=lines)
    day = local_date(journal.posted_at)  # a journal's day and month are Beijing's, as the statements count them
    sums = tuple(figures[name] for name in ROLLUP_SUMS)
    township = _village_path(journal.station_id, station)[:TOWNSHIP_PATH_LENGTH]
    rows = [(journal.station_id, product, township, sums) for product in (tx.product_id or NO_PRODUCT, ALL_PRODUCTS)]
    for model, date in ((CommissionRollup, day.replace(day=1)), (CommissionDayRollup, day)):
        rollup_add(model, date, rows)


def _date_field(model) -> str:
    return "month" if model in MONTH_TABLES else "day"


def _columns(model) -> tuple[str, ...]:
    """A rollup table's columns in the order its writers give them: the key, the township, the sums."""
    return (_date_field(model), "station_id", "product_key", "township_path", *ROLLUP_SUMS)


def _upsert_sql(model, columns: Sequence[str], source: str) -> str:
    """INSERT the rows of `source` (VALUES … or a SELECT) into `model`'s table, adding `columns`' sums
    to a row that is there already. The same statement on SQLite and PostgreSQL (SQLite wants a WHERE
    in an upsert's SELECT, hence `WHERE true`)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key = (_date_field(model), "station_id", "product_key")
    sums = [c for c in columns if c in ROLLUP_SUMS]
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in sums)
    return (f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) {source} "
            f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {updates}")


def rollup_add(model, date: datetime.date, rows: Sequence[tuple]) -> None:
    """Add `rows` — (station id, product key, township path, sums in ROLLUP_SUMS order) — of `date`
    to `model`'s table, creating the rows that are not there yet. One statement. Django's
    bulk_create(update_conflicts=True) would overwrite, not add."""
    columns = _columns(model)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    params = []
    for station_id, product, township, sums in rows:
        params += [connection.ops.adapt_datefield_value(date), station_id, product, township, *sums]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(model, columns, f"VALUES {placeholders}"), params)


# --- rebuilding from the raw rows -------------------------------------------------------------------

def _counted_q(prefix: str = "") -> Q:
    return counted_journals_q(prefix) & Q(**{f"{prefix}station__isnull": False})


def _day_keys(prefix: str = "") -> dict:
    return {"k_day": TruncDate(f"{prefix}posted_at", tzinfo=COUNTY_TZ), "k_station": F(f"{prefix}station_id"),
            "k_product": Coalesce(F(f"{prefix}counter_transaction__product_id"), Value(NO_PRODUCT)),
            "k_township": Substr(F(f"{prefix}station__village__path"), 1, TOWNSHIP_PATH_LENGTH)}


def _sum0(aggregate):
    return Coalesce(aggregate, Value(0))


def _every_sum(sums: dict) -> dict:
    """`sums` with zeros for the other figures, in ROLLUP_SUMS order (the columns have no database default)."""
    return {name: sums.get(name, Value(0)) for name in ROLLUP_SUMS}


def _raw_journal_sums(start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """Per (day, station, product): the counts and volumes of the journals posted in [start, end)."""
    sums = {name: _sum0(aggregate) for name, aggregate in journal_aggregates().items()}
    return (Journal.objects.filter(_counted_q(), posted_at__gte=start, posted_at__lt=end)
            .values(**_day_keys()).annotate(**_every_sum(sums)).order_by())


def _raw_entry_sums(start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """Per (day, station, product): the commission and tax lines of those journals (credits are
    negative: a payment credits each tier its share, its reversal debits it back)."""
    sums = {name: Value(0) - _sum0(aggregate) if name in CREDITED else _sum0(aggregate)
            for name, aggregate in entry_aggregates().items()}
    return (LedgerEntry.objects.filter(_counted_q("journal__"), COMMISSION_ENTRIES, journal__posted_at__gte=start,
                                       journal__posted_at__lt=end)
            .values(**_day_keys("journal__")).annotate(**_every_sum(sums)).order_by())


def _sum_rows(model, q: Q, keys: dict) -> QuerySet:
    """`model`'s rows matching `q`, summed by `keys` (in their order, then the sums in ROLLUP_SUMS')."""
    return (model.objects.filter(q).values(**keys).annotate(**{f"s_{n}": Sum(n) for n in ROLLUP_SUMS})
            .order_by())


def _insert_select(model, queryset: QuerySet) -> None:
    """Add the rows `queryset` selects — date, station, product, township, then the sums in ROLLUP_SUMS
    order — to `model`'s table."""
    sql, params = queryset.query.sql_with_params()
    columns = _columns(model)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(model, columns, f"SELECT * FROM ({sql}) AS rows WHERE true"), params)


def _rebuild_rows_of_month(month: datetime.date) -> None:
    """The month's rows, written by the database: the day rows from the raw rows (journal counts, then
    entry sums added), their all-products rows, then the month rows summed from the day rows."""
    start, end = month_bounds(month)
    for queryset in (_raw_journal_sums(start, end), _raw_entry_sums(start, end)):
        _insert_select(CommissionDayRollup, queryset)
    in_month = Q(day__gte=month, day__lt=next_month_start(month))
    every = {"k_day": F("day"), "k_station": F("station_id"), "k_product": Value(ALL_PRODUCTS),
             "k_township": F("township_path")}
    _insert_select(CommissionDayRollup, _sum_rows(CommissionDayRollup, in_month & Q(product_key__gte=NO_PRODUCT),
                                                  every))
    _insert_select(CommissionRollup, _sum_rows(CommissionDayRollup, in_month, {
        "k_month": Value(month), "k_station": F("station_id"), "k_product": F("product_key"),
        "k_township": F("township_path")}))


def rollup_months() -> list[datetime.date]:
    """The months from the first counted journal to the last (Beijing time); [] for an empty ledger."""
    bounds = Journal.objects.filter(_counted_q()).aggregate(first=Min("posted_at"), last=Max("posted_at"))
    if bounds["first"] is None:
        return []
    return months_between(local_date(bounds["first"]), local_date(bounds["last"]))


def rollup_month_rebuild(month: datetime.date) -> int:
    """Rewrite one month's rows from the raw rows, in one transaction; returns the rows written."""
    month = month.replace(day=1)
    in_month = {"month": Q(month=month), "day": Q(day__gte=month, day__lt=next_month_start(month))}
    with transaction.atomic():
        if connection.vendor == "postgresql":  # see the module docstring
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ROLLUP_TABLES)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
                # A month's GROUP BY sorts millions of entry rows: the default 4 MB spills them to disk.
                cursor.execute("SET LOCAL work_mem = '256MB'")
        for model in ROLLUP_TABLES:
            model.objects.filter(in_month[_date_field(model)]).delete()
        _rebuild_rows_of_month(month)
        return sum(model.objects.filter(in_month[_date_field(model)]).count() for model in ROLLUP_TABLES)


def rollups_rebuild(months: Iterable[datetime.date] | None = None,
                    on_month: Callable[[datetime.date, int], None] | None = None) -> int:
    """Rebuild `months` (default: every month with counted journals, and drop rows of other months);
    `on_month(month, rows)` after each (the command's progress bar). Returns the rows written."""
    if months is None:
        months = rollup_months()
        for model in ROLLUP_TABLES:  # rows of months with no journal (the months are a continuous range)
            if not months:
                model.objects.all().delete()
            elif _date_field(model) == "month":
                model.objects.exclude(month__in=months).delete()
            else:
                model.objects.exclude(day__gte=months[0], day__lt=next_month_start(months[-1])).delete()
    written = 0
    for month in months:
        count = rollup_month_rebuild(month)
        written += count
        if on_month is not None:
            on_month(month, count)
    return written
