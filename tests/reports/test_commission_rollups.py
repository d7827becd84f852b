"""Commission rollups equal the raw aggregation exactly: after random postings and reversals (seeded
and hypothesis-driven), for every scope, period (whole months, ragged ends, one day), grouping and
filter; maintained in the posting's transaction; rebuilt by the management command; drill-down still
reads the raw rows."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agency.models import CommissionDayRollup, CommissionRollup, CounterTransaction, Journal
from agency.models.rollups import ALL_PRODUCTS
from agency.services.rollups import ROLLUP_TABLES, rollups_rebuild
from reports.selectors.commission_dimensions import CommissionFilters
from reports.selectors.commissions import commission_journal_list, commission_table
from reports.selectors.scope import ReportScope
from stations.models import Region
from tests.reports.rollup_world import (
    PERIODS,
    _table,
    apply,
    assert_rollups_equal_ledger,
    build_rollup_world,
    random_ops,
    rollup_snapshot,
)

EVERYTHING = ReportScope(everything=True)


@pytest.fixture
def world(settings, tree, station, other_station):
    world = build_rollup_world(settings=settings, stations=[station, other_station])
    world["township"] = Region.objects.get(path=station.village.path[: Region.steplen * 3])
    return world


def _scopes(tree, station):
    township = ReportScope(region_paths=(station.village.path[: Region.steplen * 3],))
    return [EVERYTHING, ReportScope(region_paths=(tree["county"].path,)), township,
            ReportScope(station_ids=(station.pk,))]


def test_seeded_random_postings_and_reversals_roll_up_exactly(world, tree, station):
    rng = random.Random(20260309)
    for op in random_ops(rng, 45):
        apply(world, op, rng)
    counted = Journal.objects.filter(counter_transaction__kind__in=["provider", "order_commission"])
    assert counted.filter(kind="reversal").exists() and counted.filter(kind="payment").count() > 20
    assert CounterTransaction.objects.filter(kind="gov_fee").exists()  # posted, and left out of both
    assert assert_rollups_equal_ledger(world, _scopes(tree, station)) > 100
    total = commission_table(scope=EVERYTHING, period=PERIODS[0], dimensions=()).total
    assert total.transactions == counted.filter(kind="payment").count()
    assert total.reversals == counted.filter(kind="reversal").count()


def test_the_incremental_rows_are_the_rows_a_rebuild_writes(world):
    rng = random.Random(7)
    for op in random_ops(rng, 30):
        apply(world, op, rng)
    incremental = rollup_snapshot()
    assert incremental
    for model in ROLLUP_TABLES:
        model.objects.all().delete()
    rollups_rebuild()
    assert rollup_snapshot() == incremental


@hypothesis_settings(max_examples=12, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), ops=st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 8), st.integers(0, 8), st.integers(100, 500_000)),
    st.tuples(st.just("order"), st.integers(0, 8), st.integers(1, 50_000)),
    st.tuples(st.just("fee"), st.integers(0, 8), st.integers(1, 50_000)),
    st.tuples(st.just("reverse"), st.integers(0, 100))), min_size=1, max_size=8))
def test_any_postings_and_reversals_roll_up_exactly(world, seed, ops):
    # Examples add up in the same test transaction: the check holds over everything posted so far. Every
    # table of the whole county (by station, township, provider, product and month among them); how the
    # scopes narrow it is the seeded test's, over four scopes.
    rng = random.Random(seed)
    for op in ops:
        apply(world, op, rng)
    assert_rollups_equal_ledger(world, [EVERYTHING])


def test_a_posting_that_rolls_back_leaves_no_rollup(world):
    rng = random.Random(3)
    with pytest.raises(RuntimeError), transaction.atomic():
        apply(world, ("pay", 0, 0, 10_000), rng)
        assert CommissionRollup.objects.exists() and CommissionDayRollup.objects.exists()
        raise RuntimeError("the caller's transaction fails after the posting")
    assert not CommissionRollup.objects.exists() and not CommissionDayRollup.objects.exists()


def test_month_and_day_rows_per_station_and_product_and_for_all_products(world, station):
    rng = random.Random(11)
    for _ in range(3):
        apply(world, ("pay", 0, 0, 10_000), rng)
    apply(world, ("order", 0, 500), rng)
    for model in (CommissionRollup, CommissionDayRollup):
        rows = model.objects.filter(station=station)
        assert {r.product_key for r in rows} == {world["products"][0].pk, 0, ALL_PRODUCTS}
        mine = rows.filter(product_key=world["products"][0].pk)
        assert sum(r.transactions for r in mine) == 3 and sum(r.volume_fen for r in mine) == 30_000
        every = rows.filter(product_key=ALL_PRODUCTS)
        assert sum(r.transactions for r in every) == 4 and sum(r.gross_fen for r in every) == 3 * 100 + 500


def test_the_rebuild_command_rewrites_every_month_and_shows_progress(world):
    rng = random.Random(5)
    for op in random_ops(rng, 15):
        apply(world, op, rng)
    expected = rollup_snapshot()
    CommissionRollup.objects.filter(product_key=ALL_PRODUCTS).delete()
    CommissionDayRollup.objects.update(transactions=999)
    CommissionRollup.objects.create(month=datetime.date(2024, 1, 1), station=world["stations"][0],
                                    product_key=0, transactions=5)  # a stray month with no journal
    CommissionDayRollup.objects.create(day=datetime.date(2024, 1, 2), station=world["stations"][0],
                                       product_key=0, transactions=5)
    out = io.StringIO()
    call_command("commission_rollups_rebuild", stdout=out)
    assert rollup_snapshot() == expected
    assert "] " in out.getvalue() and "rollup rows written" in out.getvalue()


def test_the_rebuild_command_takes_months(world):
    rng = random.Random(6)
    for op in random_ops(rng, 15):
        apply(world, op, rng)
    expected = rollup_snapshot()
    CommissionRollup.objects.filter(month=datetime.date(2026, 3, 1)).update(gross_fen=0)
    CommissionDayRollup.objects.filter(day__month=3).delete()
    out = io.StringIO()
    call_command("commission_rollups_rebuild", "--month", "2026-03", "--no-progress", stdout=out)
    assert rollup_snapshot() == expected
    assert "1 months" in out.getvalue()
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("commission_rollups_rebuild", "--month", "March")


def test_the_drill_down_still_lists_the_raw_journals(world, station):
    rng = random.Random(8)
    for op in random_ops(rng, 20):
        apply(world, op, rng)
    for model in ROLLUP_TABLES:  # the drill-down does not depend on them
        model.objects.all().delete()
    journals = commission_journal_list(scope=EVERYTHING, period=PERIODS[0])
    assert journals.count() == Journal.objects.filter(
        kind__in=["payment", "reversal"], counter_transaction__kind__in=["provider", "order_commission"]).count()
    assert commission_table(scope=EVERYTHING, period=PERIODS[0], dimensions=()).total.transactions == 0


def test_an_unknown_source_is_refused(world):
    with pytest.raises(ValueError):
        commission_table(scope=EVERYTHING, period=PERIODS[0], dimensions=(), source="cache")


def _reads(**kwargs) -> list[str]:
    """The rollup queries of a report: which table each reads, and whether it joins the stations."""
    with CaptureQueriesContext(connection) as queries:
        commission_table(**kwargs)
    return [f"{name}{'+stations' if 'stations_station' in q['sql'] else ''}" for q in queries
            for name in ("commissionrollup", "commissiondayrollup") if f'FROM "agency_{name}"' in q["sql"]]


def test_township_figures_come_from_the_station_rows_township_column_without_a_join(world, tree, station):
    rng = random.Random(17)
    for op in random_ops(rng, 20):
        apply(world, op, rng)
    county, ragged = ReportScope(region_paths=(tree["county"].path,)), PERIODS[1]
    assert sorted(_reads(scope=county, period=ragged, dimensions=("township",))) == [
        "commissiondayrollup", "commissionrollup"]
    assert _reads(scope=EVERYTHING, period=PERIODS[0], dimensions=("product", "month")) == ["commissionrollup"]
    assert _reads(scope=county, period=PERIODS[0], dimensions=("station",)) == ["commissionrollup+stations"]
    assert _reads(scope=county, period=PERIODS[0], dimensions=("month",),
                  filters=CommissionFilters(station_id=station.pk)) == ["commissionrollup+stations"]
    assert _reads(scope=ReportScope(station_ids=(station.pk,)), period=PERIODS[0], dimensions=()) == [
        "commissionrollup"]
    for dimensions in (("township",), ("township", "product")):
        assert _table("rollups", scope=county, period=ragged, dimensions=dimensions) == _table(
            "ledger", scope=county, period=ragged, dimensions=dimensions)
    village_scope = ReportScope(region_paths=(station.village.path,))  # finer than a township
    assert _reads(scope=village_scope, period=PERIODS[0], dimensions=()) == ["commissionrollup+stations"]
    assert _table("rollups", scope=village_scope, period=PERIODS[0], dimensions=("month",)) == _table(
        "ledger", scope=village_scope, period=PERIODS[0], dimensions=("month",))
