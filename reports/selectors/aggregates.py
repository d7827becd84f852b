"""Medians and percentiles in the database, and working days between two local dates as a SQL expression.

* `PercentileCont(expression, fraction)` — the continuous percentile of a group (linear interpolation
  between the two nearest values, as PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY …)`);
  NULLs are ignored, an empty group gives NULL. On SQLite the same aggregate is a Python function
  registered on every new connection (`register_sqlite_functions`), computed with the same formula, so
  both databases give the same float.
* `WorkingDays(date_from, date_to, ordinals=…)` — working days in (date_from, date_to], counted as
  gov_services/requests/deadlines.py counts them, from `WorkingDayOrdinals`: for each day of a span, how many
  working days there are from the span's first day up to it. The span travels as one array parameter
  (PostgreSQL) or one JSON text (SQLite); a date outside the span gives NULL (and is ignored by the
  percentile), so the span must cover every date the query can meet.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections, router
from django.db.models import Aggregate, FloatField, Func, IntegerField

from gov_services.requests.deadlines import ONE_DAY, WorkCalendar

ONE_DECIMAL = Decimal("0.1")


def percentile_cont(values, fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over `values` (None ignored): what the SQLite aggregate computes and
    what the tests compare the database with."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    first = float(ordered[lower])
    if upper == lower:
        return first
    return first + (float(ordered[upper]) - first) * (position - lower)


def one_decimal(value: float | None) -> Decimal | None:
    """A percentile as reports show it: Decimal with one place, rounded half up (medians of whole days
    are exact halves or whole numbers, so nothing is lost)."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


class PercentileCont(Aggregate):
    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    allow_distinct = False
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float = 0.5, **extra):
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("A percentile's fraction lies between 0 and 1.")
        self.fraction = fraction
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # The fraction is a validated float, written as a literal (an ordered-set aggregate's direct argument).
        return super().as_sql(compiler, connection, fraction=repr(self.fraction), **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="cz_percentile_cont",
            template="%(function)s(%(expressions)s, %(fraction)s)",
            fraction=repr(self.fraction),
            **extra_context,
        )


class _SqlitePercentileCont:
    def __init__(self):
        self.values: list = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return percentile_cont(self.values, self.fraction)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver (reports/apps.py): PercentileCont's SQLite aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("cz_percentile_cont", 2, _SqlitePercentileCont)


class WorkingDayOrdinals:
    """For every day from `first` to `last`: the number of working days in [first, day]."""

    def __init__(self, calendar: WorkCalendar, first: datetime.date, last: datetime.date):
        if last < first:
            raise ValueError("A span cannot end before it starts.")
        self.first, self.last = first, last
        self.values: list[int] = []
        counted, day = 0, first
        while day <= last:
            counted += calendar.is_working_day(day)
            self.values.append(counted)
            day += ONE_DAY


class WorkingDays(Func):
    """Working days in (date_from, date_to] — both local dates (e.g. TruncDate(…, tzinfo=COUNTY_TZ))."""

    output_field = IntegerField()

    def __init__(self, date_from, date_to, *, ordinals: WorkingDayOrdinals, **extra):
        self.ordinals = ordinals
        super().__init__(date_from, date_to, **extra)

    def _parts(self, compiler, connection):
        date_from, date_to = self.get_source_expressions()
        sql_from, params_from = compiler.compile(date_from)
        sql_to, params_to = compiler.compile(date_to)
        return sql_from, tuple(params_from), sql_to, tuple(params_to)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql_from, params_from, sql_to, params_to = self._parts(compiler, connection)
        ordinals, first = self.ordinals.values, self.ordinals.first
        sql = f"((%s::integer[])[({sql_to}) - %s::date + 1] - (%s::integer[])[({sql_from}) - %s::date + 1])"
        return sql, (ordinals, *params_to, first, ordinals, *params_from, first)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql_from, params_from, sql_to, params_to = self._parts(compiler, connection)
        ordinals, first = json.dumps(self.ordinals.values), self.ordinals.first.isoformat()

        def ordinal(sql):
            return f"json_extract(%s, '$[' || CAST(julianday({sql}) - julianday(%s) AS INTEGER) || ']')"

        return (
            f"({ordinal(sql_to)} - {ordinal(sql_from)})",
            (ordinals, *params_to, first, ordinals, *params_from, first),
        )

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(
            f"WorkingDays is written for PostgreSQL and SQLite, not {connection.vendor}."
        )


def grouped_several_ways(
    queryset,
    groupings: Sequence[Sequence[str]],
    keys: dict[str, object],
    columns: dict[str, object],
    aggregates: dict[str, tuple[str, str | None]],
) -> list[list[dict]]:
    """One query that aggregates `queryset`'s rows by each of `groupings` (and by nothing, for `()`):
    the rows are read, joined and computed once. On PostgreSQL with GROUP BY GROUPING SETS (one pass, no
    materialised copy of the rows: at the server's 4 MB work_mem a two-year report by month wrote one to
    disk; the replica's report connections also get REPORTS_WORK_MEM); on SQLite, which has
    no grouping sets, as a CTE grouped once per grouping, the groups glued with UNION ALL.

    `keys`: {alias: expression} of every key a grouping names (a grouping is a tuple of aliases);
    `columns`: {alias: expression}, per-row values the aggregates read; `aggregates`: {name: (kind,
    column alias)} with kind "count" (rows; column None), "sum" or "median" (percentile_cont 0.5).
    Returns, per grouping, its grouped rows as dicts of the grouping's keys and the aggregates' names
    (keys as the database gives them, without Django's converters: callers normalise them)."""
    db = router.db_for_read(queryset.model)
    connection = connections[db]
    inner = queryset.values(**keys, **columns).order_by()
    inner_sql, params = inner.query.get_compiler(using=db).as_sql()
    q = connection.ops.quote_name
    median = (
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY {})"
        if connection.vendor == "postgresql"
        else "cz_percentile_cont({}, 0.5)"
    )
    templates = {"count": "COUNT(*)", "sum": "SUM({})", "median": median}
    names = list(aggregates)
    selected = ", ".join(
        templates[kind].format(q(column) if column else "") for kind, column in aggregates.values()
    )
    if connection.vendor == "postgresql" and keys:
        return _grouping_sets(db, inner_sql, params, groupings, list(keys), names, selected)
    branches = []
    for i, grouping in enumerate(groupings):
        # A key this grouping does not have is NULL, typed as the key (a bare NULL would be typed text
        # by PostgreSQL when two branches in a row have it, and then fail to match a date or a number).
        key_columns = ", ".join(
            q(alias) if alias in grouping else f"MIN(CASE WHEN 1 = 0 THEN {q(alias)} END)" for alias in keys
        )
        group_by = f" GROUP BY {', '.join(q(alias) for alias in grouping)}" if grouping else ""
        branches.append(f"SELECT {i}, {key_columns}{', ' if keys else ''}{selected} FROM cz_rows{group_by}")
    sql = f"WITH cz_rows AS ({inner_sql}) " + " UNION ALL ".join(branches)
    out: list[list[dict]] = [[] for _ in groupings]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        for record in cursor.fetchall():
            values = dict(zip([*keys, *names], record[1:], strict=True))
            out[record[0]].append({name: values[name] for name in (*groupings[record[0]], *names)})
    return out


def _grouping_sets(db, inner_sql, params, groupings, aliases, names, selected) -> list[list[dict]]:
    """grouped_several_ways on PostgreSQL: GROUPING(…) tells which set a row belongs to (a bit per key
    the set does not have, the first key the highest bit)."""
    q = connections[db].ops.quote_name

    def mask(grouping) -> int:
        return sum(1 << (len(aliases) - 1 - i) for i, alias in enumerate(aliases) if alias not in grouping)

    sets = list(dict.fromkeys(tuple(grouping) for grouping in groupings))
    listed = ", ".join(q(alias) for alias in aliases)
    group_by = ", ".join("(" + ", ".join(q(alias) for alias in grouping) + ")" for grouping in sets)
    sql = (f"SELECT GROUPING({listed}), {listed}, {selected} FROM ({inner_sql}) AS cz_rows "
           f"GROUP BY GROUPING SETS ({group_by})")
    takers: dict[int, list[int]] = {}
    for i, grouping in enumerate(groupings):
        takers.setdefault(mask(grouping), []).append(i)
    out: list[list[dict]] = [[] for _ in groupings]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        for record in cursor.fetchall():
            values = dict(zip([*aliases, *names], record[1:], strict=True))
            for i in takers[record[0]]:
                out[i].append({name: values[name] for name in (*groupings[i], *names)})
    return out
