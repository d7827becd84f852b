"""Random commission postings and reversals on known clocks, and the checks that the commission
rollups equal the raw aggregation (shared by the SQLite and the PostgreSQL tests).

The posting clock is set by patching only agency/services/ledger.py's `timezone`: journals are posted
(and rolled up) at the chosen moment, while the till's own checks (the reversal window) keep the real
clock. Moments fall on both sides of Beijing midnight and of month ends, where a day or a month in UTC
is not the same as in Beijing.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import uuid
from types import SimpleNamespace
from unittest import mock

from agency import services
from agency.models import (
    CommissionDayRollup,
    CommissionRollup,
    CounterTransaction,
)
from agency.models.rollups import ROLLUP_SUMS
from agency.services import ledger as ledger_module
from core.timeutil import COUNTY_TZ
from reports.selectors.commission_dimensions import CommissionFilters
from reports.selectors.commissions import commission_table
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope
from tests.agency.factories import ProductFactory, ProviderFactory, account_number, fund
from tests.reports.commission_world import operator_of, use_simulator

YEAR_START = datetime.date(2026, 1, 1)
DAYS = 150  # January to May 2026
HOURS = (0, 7, 8, 15, 16, 23)  # Beijing: 00:xx and 07:xx are the previous day in UTC


@contextlib.contextmanager
def posting_clock(when: datetime.datetime):
    utc = when.astimezone(datetime.UTC)  # as timezone.now() gives it
    with mock.patch.object(ledger_module, "timezone", SimpleNamespace(now=lambda: utc)):
        yield


def random_moment(rng: random.Random, after: datetime.datetime | None = None) -> datetime.datetime:
    """Half the time on a day where a period of PERIODS starts or ends, or a month does."""
    if rng.random() < 0.5:
        day = rng.choice(EDGE_DAYS)
    else:
        day = YEAR_START + datetime.timedelta(days=rng.randrange(DAYS))
    when = datetime.datetime.combine(day, datetime.time(rng.choice(HOURS), rng.randrange(60)), COUNTY_TZ)
    return max(when, after + datetime.timedelta(minutes=1)) if after else when


def build_rollup_world(*, settings, stations: list) -> dict:
    """Three products of two providers, every station funded, an operator each."""
    use_simulator(settings)
    power, mobile = ProviderFactory(name="国家电网"), ProviderFactory(name="中国移动")
    products = [ProductFactory(name="电费", provider=power), ProductFactory(name="话费", provider=mobile),
                ProductFactory(name="流量", provider=mobile)]
    operators = [operator_of(s) for s in stations]
    for s in stations:
        for provider in (power, mobile):
            fund(s, provider.float_group, 100_000_000)
    return {"stations": stations, "products": products, "operators": operators, "posted": []}


def apply(world: dict, op: tuple, rng: random.Random) -> None:
    """One operation: ("pay", station, product, amount), ("order", station, amount), ("fee", station,
    amount) — a government fee, which the report does not count — or ("reverse", index)."""
    kind, *args = op
    when = random_moment(rng)
    if kind == "reverse":
        candidates = [p for p in world["posted"] if p[0].status == CounterTransaction.Status.SUCCEEDED]
        if not candidates:
            return
        tx, at = candidates[args[0] % len(candidates)]
        with posting_clock(random_moment(rng, after=at)):
            services.counter_transaction_reverse(actor=world["operators"][world["stations"].index(tx.station)],
                                                 counter_transaction=tx, reason="录错")
        tx.refresh_from_db()
        return
    station_i = args[0] % len(world["stations"])
    station, operator = world["stations"][station_i], world["operators"][station_i]
    with posting_clock(when):
        if kind == "pay":
            tx = services.counter_payment_submit(
                actor=operator, station=station, product=world["products"][args[1] % len(world["products"])],
                account_number=account_number(rng.randrange(1, 999)), amount_fen=args[2], idempotency_key=uuid.uuid4())
        elif kind == "order":
            tx = services.order_commission_post(actor=None, station=station, commission_fen=args[1],
                                                idempotency_key=uuid.uuid4(), external_reference="ORD")
        else:
            tx = services.government_fee_take(actor=operator, station=station, amount_fen=args[1],
                                              idempotency_key=uuid.uuid4(), external_reference="GOV")
    world["posted"].append((tx, when))


def random_ops(rng: random.Random, n: int) -> list[tuple]:
    ops = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.55:
            ops.append(("pay", rng.randrange(9), rng.randrange(9), rng.randrange(100, 500_000)))
        elif roll < 0.7:
            ops.append(("order", rng.randrange(9), rng.randrange(1, 20_000)))
        elif roll < 0.78:
            ops.append(("fee", rng.randrange(9), rng.randrange(1, 20_000)))
        else:
            ops.append(("reverse", rng.randrange(100)))
    return ops


def rollup_snapshot() -> dict[tuple, tuple]:
    """Every rollup row, month and day, by its key: its township and its sums."""
    tables = ((CommissionRollup, "month"), (CommissionDayRollup, "day"))
    return {(model.__name__, getattr(r, date_field), r.station_id, r.product_key):
            (r.township_path, *(getattr(r, n) for n in ROLLUP_SUMS))
            for model, date_field in tables for r in model.objects.all()}


PERIODS = [
    Period(datetime.date(2026, 1, 1), datetime.date(2026, 5, 31)),  # whole months only
    Period(datetime.date(2026, 1, 15), datetime.date(2026, 4, 3)),  # ragged at both ends
    Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # one whole month
    Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),  # one day (a month's first)
    Period(datetime.date(2026, 3, 10), datetime.date(2026, 3, 20)),  # inside one month
    Period(datetime.date(2025, 12, 20), datetime.date(2026, 6, 10)),  # beyond the postings
]
EDGE_DAYS = sorted({d for p in PERIODS for d in (p.start, p.end, p.end + datetime.timedelta(days=1),
                                                  p.start - datetime.timedelta(days=1))
                    if YEAR_START <= d < YEAR_START + datetime.timedelta(days=DAYS)})
DIMENSIONS = [(), ("township",), ("station",), ("provider",), ("product",), ("month",),
              ("station", "product", "month"), ("provider", "township")]


def _table(source: str, **kwargs) -> list[tuple]:
    table = commission_table(source=source, **kwargs)
    return [(row.keys, row.labels, row.figures) for row in table.rows] + [("total", table.total)]


def assert_rollups_equal_ledger(world: dict, scopes: list[ReportScope]) -> int:
    """Every table (scope × period × dimensions, and the filters) the same from the rollups as from
    the raw rows, figure by figure. Returns the number of comparisons."""
    product = world["products"][1]
    station = world["stations"][0]
    filters = [CommissionFilters(), CommissionFilters(provider_id=product.provider_id),
               CommissionFilters(product_id=product.pk), CommissionFilters(station_id=station.pk),
               CommissionFilters(township=world.get("township"))]
    compared = 0
    for scope in scopes:
        for period in PERIODS:
            for dimensions in DIMENSIONS:
                for narrowing in filters if dimensions in ((), ("station", "product", "month")) else filters[:1]:
                    kwargs = {"scope": scope, "period": period, "dimensions": dimensions, "filters": narrowing}
                    assert _table("rollups", **kwargs) == _table("ledger", **kwargs), kwargs
                    compared += 1
    return compared
