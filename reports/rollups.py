"""The daily request rollups (reports.models.RequestRollup): recounted, rebuilt and checked here.

* `request_rollups_refresh(request_ids=…)` — gov_services' services call it (through
  gov_services/requests/services/figures.py) in the transaction that changed the requests: the rollup rows
  of each (local day, station, village) the requests fall in are deleted and counted again from the
  requests. On PostgreSQL a transaction-level advisory lock per (day, station, village) serialises two
  transactions recounting the same station's day (each recount runs after the other's commit, so it sees
  it); no two stations, villages or days share a lock or a row, so a township's counters never queue on
  one row.
* `request_rollups_rebuild()` — everything again from the requests, one INSERT … SELECT
  (`manage.py report_rollups --rebuild`), after a bulk load that bypassed the services.
* `request_rollup_differences()` — the rollups against a recount of every request, cell by cell
  (`manage.py report_rollups --check`); empty when they agree exactly.
"""

from __future__ import annotations

import datetime
import zlib
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from core.timeutil import COUNTY_TZ, end_of_day, start_of_day
from gov_services.models import Rating, RequestEvent, ServiceRequest
from gov_services.requests.workflow import Action
from reports.models import RequestRollup

CELL = ("day", "village_id", "station_id", "department_id", "item_id", "appeal_category", "channel", "completed_day")
COUNTS = ("received", "accepted", "completed", "completed_on_time", "rated", "satisfied", "follow_ups", "returns")
BOUNDS = ("first_at", "last_at")


def recount(requests: QuerySet) -> QuerySet:
    """The rollup rows of `requests` (a ServiceRequest queryset), counted from the requests: a values
    queryset of CELL, COUNTS and BOUNDS, one row per cell."""
    returns = (RequestEvent.objects.filter(request=OuterRef("pk"), action=Action.RETURN_FOR_SUPPLEMENT).order_by()
               .values("request").annotate(n=Count("pk")).values("n"))
    counted = Q(rating__set_aside=False)
    return (requests.order_by()
            .annotate(n_returns=Coalesce(Subquery(returns), Value(0)))
            .values("village_id", "station_id", "department_id", "item_id", "appeal_category", "channel",
                    day=TruncDate("submitted_at", tzinfo=COUNTY_TZ),
                    completed_day=TruncDate("completed_at", tzinfo=COUNTY_TZ))
            .annotate(received=Count("pk"), accepted=Count("accepted_at"), completed=Count("completed_at"),
                      completed_on_time=Count("pk", filter=Q(completed_at__isnull=False, due_at__isnull=False,
                                                             completed_at__lte=F("due_at"))),
                      rated=Count("pk", filter=counted),
                      satisfied=Count("pk", filter=counted & Q(rating__score__in=Rating.SATISFIED_SCORES)),
                      follow_ups=Count("follow_up"), returns=Sum("n_returns"),
                      first_at=Min("submitted_at"), last_at=Max("submitted_at"))
            .values_list(*CELL, *COUNTS, *BOUNDS))


def _insert(requests: QuerySet) -> None:
    """INSERT … SELECT of `recount(requests)` into the rollup table: nothing passes through Python."""
    sql, params = recount(requests).query.sql_with_params()
    q = connection.ops.quote_name
    columns = ", ".join(q(RequestRollup._meta.get_field(name.removesuffix("_id")).column)
                        for name in (*CELL, *COUNTS, *BOUNDS))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(RequestRollup._meta.db_table)} ({columns}) {sql}", params)


def _cell_key(day: datetime.date, station_id: int | None, village_id: int | None) -> int:
    """A signed 64-bit advisory lock key for a (day, station, village) cell."""
    text = f"reports.rollup:{day.isoformat()}:{station_id}:{village_id}".encode()
    return (zlib.crc32(text) << 32 | zlib.adler32(text)) - (1 << 63)


def _local_day(value) -> datetime.date:
    if isinstance(value, str):  # SQLite through values_list of a TruncDate is already a date; be lenient
        return datetime.date.fromisoformat(value)
    return value


def request_rollups_refresh(*, request_ids) -> None:
    """Recount the (day, station, village) cells the requests `request_ids` fall in. Runs in the caller's
    transaction (its own atomic block when there is none)."""
    with transaction.atomic():
        cells = sorted({(_local_day(day), station, village) for day, station, village in
                        ServiceRequest.objects.filter(pk__in=list(request_ids)).values_list(
                            TruncDate("submitted_at", tzinfo=COUNTY_TZ), "station_id", "village_id")},
                       key=lambda cell: (cell[0], cell[1] or 0, cell[2] or 0))
        if not cells:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for cell in cells:  # always in the same order: two recounts never wait on each other in a ring
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_cell_key(*cell)])
        rows, requests = Q(pk__in=[]), Q(pk__in=[])
        for day, station_id, village_id in cells:
            rows |= Q(day=day, station_id=station_id, village_id=village_id)
            requests |= Q(submitted_at__gte=start_of_day(day), submitted_at__lte=end_of_day(day),
                          station_id=station_id, village_id=village_id)
        RequestRollup.objects.filter(rows).delete()
        _insert(ServiceRequest.objects.filter(requests))


def request_rollups_rebuild() -> int:
    """Every rollup row again from the requests, in one transaction. The number of rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(RequestRollup._meta.db_table)} "
                               "IN SHARE ROW EXCLUSIVE MODE")
        RequestRollup.objects.all().delete()
        _insert(ServiceRequest.objects.all())
        if connection.vendor == "postgresql":  # the planner's figures for a table replaced at once
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(RequestRollup._meta.db_table)}")
        return RequestRollup.objects.count()


def _by_cell(rows) -> dict[tuple, tuple]:
    out: dict[tuple, tuple] = {}
    for row in rows:
        cell = tuple(_local_day(v) if i in (0, 7) and v is not None else v for i, v in enumerate(row[:len(CELL)]))
        values = tuple(row[len(CELL):])
        if cell in out:  # two rows of one cell (never written so, but add them up to compare honestly)
            old = out[cell]
            values = (*(a + b for a, b in zip(old[:len(COUNTS)], values[:len(COUNTS)], strict=True)),
                      min(old[-2], values[-2]), max(old[-1], values[-1]))
        out[cell] = values
    return out


def request_rollup_differences(*, limit: int = 20) -> list[str]:
    """The cells where the rollups and a recount of the requests differ (at most `limit` of them, described);
    empty when they are equal, figure for figure."""
    expected = _by_cell(recount(ServiceRequest.objects.all()))
    found = _by_cell(RequestRollup.objects.values_list(*CELL, *COUNTS, *BOUNDS))
    differences = []
    for cell in sorted(set(expected) | set(found), key=repr):
        if expected.get(cell) != found.get(cell):
            differences.append(f"{dict(zip(CELL, cell, strict=True))}: requests {expected.get(cell)}, "
                               f"rollups {found.get(cell)}")
            if len(differences) >= limit:
                break
    return differences


def rollup_totals() -> dict[str, int]:
    """The sums of the count columns over every rollup row (the command's summary)."""
    sums = RequestRollup.objects.aggregate(rows=Count("pk"), **{name: Sum(name) for name in COUNTS})
    return defaultdict(int, {k: v or 0 for k, v in sums.items()})
