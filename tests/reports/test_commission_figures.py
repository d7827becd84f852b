"""Commission figures on postings with known answers (see commission_world.py), their query count,
their agreement with agency's own statements, random postings against a recount, and scope per role."""

import datetime
import random

import pytest
from django.utils import translation

from agency.models import CounterTransaction, Journal
from agency.services import statement_figures
from reports.commission_figures import CommissionFigures, figures_from_sums, total_of
from reports.selectors.commission_dimensions import CommissionFilters
from reports.selectors.commissions import commission_journal_list, commission_table
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope, report_scope_for
from tests.reports.commission_world import build_commission_world, pay, reverse

EVERYTHING = ReportScope(everything=True)
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
SPRING = Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))


@pytest.fixture
def world(settings, station, other_station, operator, county_admin):
    return build_commission_world(settings=settings, station=station, other_station=other_station,
                                  operator=operator, county_admin=county_admin)


def _money(f: CommissionFigures):
    return (f.transactions, f.volume_fen, f.reversals, f.reversed_volume_fen, f.gross_fen, f.clawback_fen, f.tax_fen,
            f.net_fen)


def _tiers(f: CommissionFigures):
    return (f.operator_fen, f.township_fen, f.county_fen, f.platform_fen)


def test_march_totals_match_the_hand_counted_postings(world):
    total = commission_table(scope=EVERYTHING, period=MARCH, dimensions=()).total
    assert _money(total) == (6, 75_000, 1, 10_000, 1_250, 100, 13, 1_137)
    assert _tiers(total) == (955, 65, 65, 65)
    assert sum(_tiers(total)) == total.gross_fen - total.clawback_fen


def test_a_reversal_is_clawed_back_in_the_month_it_is_posted(world):
    table = commission_table(scope=EVERYTHING, period=SPRING, dimensions=("month",))
    by_month = {row.labels[0]: row.figures for row in table.rows}
    assert list(by_month) == ["2026-03", "2026-04"]
    assert _money(by_month["2026-04"]) == (1, 10_000, 1, 20_000, 100, 200, -2, -98)
    assert _tiers(by_month["2026-04"]) == (-70, -10, -10, -10)
    assert table.total.net_fen == 1_137 - 98


def test_by_station_and_township_each_station_keeps_its_own_postings(world, station, other_station, tree):
    stations = {row.keys[0]: row for row in commission_table(scope=EVERYTHING, period=MARCH,
                                                              dimensions=("station",)).rows}
    mine, theirs = stations[station.pk].figures, stations[other_station.pk].figures
    assert _money(mine) == (4, 45_000, 1, 10_000, 950, 100, 7, 843)
    assert _money(theirs) == (2, 30_000, 0, 0, 300, 0, 6, 294)
    assert stations[station.pk].labels == (station.name,) and stations[station.pk].drill == (station.pk,)
    townships = commission_table(scope=EVERYTHING, period=MARCH, dimensions=("township",))
    assert [(r.labels[0], r.drill[0], r.figures.gross_fen) for r in townships.rows] == [
        (tree["townships"][0].name, tree["townships"][0].pk, 950),
        (tree["townships"][1].name, tree["townships"][1].pk, 300)]


def test_by_product_and_provider_store_orders_have_their_own_row(world):
    with translation.override("en"):
        products = {row.labels[0]: row.figures for row in commission_table(
            scope=EVERYTHING, period=MARCH, dimensions=("product",)).rows}
    assert {k: (v.transactions, v.gross_fen, v.clawback_fen) for k, v in products.items()} == {
        "国网电费": (4, 650, 0), "移动话费": (1, 100, 100), "Store order commission": (1, 500, 0)}
    providers = commission_table(scope=EVERYTHING, period=MARCH, dimensions=("provider",), filters=CommissionFilters(
        provider_id=world["p1"].provider_id))
    assert [(r.labels[0], r.figures.gross_fen) for r in providers.rows] == [("国家电网", 650)]
    assert not providers.has_statements


def test_statement_status_is_counted_per_station_and_month(world, station, other_station):
    table = commission_table(scope=EVERYTHING, period=MARCH, dimensions=("station",))
    stations = {row.keys[0]: row.figures for row in table.rows}
    assert table.has_statements
    assert (stations[station.pk].statements_paid, stations[station.pk].paid_net_fen) == (1, 738)
    assert (stations[other_station.pk].statements_generated, stations[other_station.pk].statements_paid) == (1, 0)
    assert (table.total.statements_generated, table.total.statements_approved, table.total.statements_paid) == (1, 0, 1)


def test_the_operator_share_after_tax_equals_agency_s_own_statement(world, station, other_station):
    stations = {row.keys[0]: row.figures for row in commission_table(
        scope=EVERYTHING, period=MARCH, dimensions=("station",)).rows}
    for s in (station, other_station):
        totals, _lines = statement_figures(s, datetime.date(2026, 3, 1))
        figures = stations[s.pk]
        assert figures.operator_net_fen == totals["net_fen"]
        assert figures.tax_fen == totals["tax_fen"]


@pytest.mark.parametrize(("dimensions", "queries"), [
    ((), 2), (("month",), 2), (("station",), 3), (("township",), 3), (("product",), 2), (("provider",), 3),
    (("township", "month"), 3)])  # from the rollups: one query for the sums (the ledger's two: source="ledger")
def test_the_table_costs_a_fixed_number_of_queries(world, dimensions, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        commission_table(scope=EVERYTHING, period=SPRING, dimensions=dimensions)


def test_the_query_count_does_not_grow_with_the_postings(world, station, operator, django_assert_num_queries):
    for n in range(5):
        pay(operator=operator, station=station, product=world["p1"], amount_fen=5_000 + n, on="2026-03-20", n=10 + n)
    with django_assert_num_queries(3):
        table = commission_table(scope=EVERYTHING, period=MARCH, dimensions=("station",))
    assert table.total.transactions == 11


def test_random_postings_and_reversals_add_up_to_a_recount_of_the_transactions(
        settings, station, other_station, operator, county_admin):
    world = build_commission_world(settings=settings, station=station, other_station=other_station,
                                   operator=operator, county_admin=county_admin)
    rng = random.Random(9)
    for n in range(12):
        tx = pay(operator=operator, station=station, product=rng.choice([world["p1"], world["p2"]]),
                 amount_fen=rng.randrange(100, 400_000), on=f"2026-03-{rng.randrange(1, 28):02d}", n=100 + n)
        if rng.random() < 0.3:
            reverse(operator=operator, tx=tx, on=f"2026-0{rng.choice([3, 4])}-28")
    table = commission_table(scope=EVERYTHING, period=SPRING, dimensions=("station", "month"))
    payments = Journal.objects.filter(kind="payment", counter_transaction__isnull=False,
                                      counter_transaction__kind__in=["provider", "order_commission"])
    reversed_ = CounterTransaction.objects.filter(status="reversed")
    assert table.total.transactions == payments.count()
    assert table.total.gross_fen == sum(j.counter_transaction.commission_fen for j in payments)
    assert table.total.clawback_fen == sum(tx.commission_fen for tx in reversed_)
    assert table.total.reversals == reversed_.count()
    assert sum(table.total.tiers.values()) == table.total.gross_fen - table.total.clawback_fen
    assert total_of(r.figures for r in table.rows) == table.total


def test_figures_add_up_field_by_field_and_ignore_unknown_sums():
    a = figures_from_sums({"transactions": 2, "gross_fen": 300, "tax_fen": None, "k_station": 7})
    b = figures_from_sums({"transactions": 1, "gross_fen": 100, "clawback_fen": 40, "tax_fen": 3})
    assert (a + b).transactions == 3 and (a + b).net_fen == 400 - 40 - 3
    assert total_of([]) == CommissionFigures()


def test_the_transactions_list_signs_reversals_negative(world, station):
    journals = list(commission_journal_list(scope=EVERYTHING, period=MARCH,
                                            filters=CommissionFilters(station_id=station.pk)))
    assert [(j.kind, j.commission_fen, j.operator_fen, j.tax_fen) for j in journals] == [
        ("payment", 500, 500, None), ("reversal", -100, -70, -2), ("payment", 100, 70, 2),
        ("payment", 250, 175, 5), ("payment", 100, 70, 2)]


def test_county_admin_sees_the_county_township_admin_their_township_operator_their_station(
        world, county_admin, township_admin, operator, officer, resident):
    def gross(user):
        return commission_table(scope=report_scope_for(user=user), period=MARCH, dimensions=()).total.gross_fen

    assert gross(county_admin) == 1_250
    assert gross(township_admin) == 950
    assert gross(operator) == 950
    assert gross(world["other_operator"]) == 300
    assert gross(officer) == 0 and gross(resident) == 0


def test_an_unknown_dimension_is_refused_before_any_query(db, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ValueError):
        commission_table(scope=EVERYTHING, period=MARCH, dimensions=("department",))


def test_nothing_posted_gives_an_empty_table_not_an_error(db):
    table = commission_table(scope=EVERYTHING, period=MARCH, dimensions=("station",))
    assert table.rows == [] and table.total == CommissionFigures()
