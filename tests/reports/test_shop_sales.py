"""Store sales and station commission by merchant and station, on orders taken through shop's own flow
(commission posted by shop's settlement), on known days."""

import csv
import datetime
import io
from datetime import date

import pytest

from agency.models import CommissionPlan, CommissionPlanVersion
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope, report_scope_for
from reports.selectors.shop_sales import shop_sales_table
from shop.models import OrderPart
from shop.services import orders as shop_services
from shop.services.settlement import STORE_PLAN_CODE
from stations.models import StaffAssignment
from tests.clock import clock_at
from tests.reports.commission_world import operator_of
from tests.reports.factories import at
from tests.shop import factories

URL = "/county/reports/shop-sales/"
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
EVERYTHING = ReportScope(everything=True)
Status = OrderPart.Status


def _sell(*, merchant, station, operator, price: str, quantity: int, on: str) -> OrderPart:
    """An order for pick-up, confirmed, sent, received and handed over, all on `on`."""
    merchant_user = merchant.partner.users.get()
    item = factories.product(merchant.partner, title="土鸡蛋", price=price)
    with clock_at(at(on)):
        part = factories.order((item, quantity), station=station).parts.get()
        shop_services.order_part_move(user=merchant_user, part_id=part.pk, to_status=Status.CONFIRMED)
        shop_services.order_part_move(user=merchant_user, part_id=part.pk, to_status=Status.SENT)
        part = shop_services.order_part_move(user=operator, part_id=part.pk, to_status=Status.READY)
        shop_services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
    return OrderPart.objects.get(pk=part.pk)


@pytest.fixture
def sales(tree, station, other_station, operator):
    """March 2026, store plan 3 % (at least 0.50 yuan):
    merchant A at `station`: 80.00 on 5 March (commission 2.40); 30.00 on 6 March (0.90), returned 8 March;
    merchant B at `other_station`: 2 × 10.00 on 10 March (0.60); at `station` one part still on its way."""
    plan = CommissionPlan.objects.create(code=STORE_PLAN_CODE, name="商城订单佣金")
    CommissionPlanVersion.objects.create(plan=plan, effective_from=date(2020, 1, 1), method="percentage",
                                         rate_bp=300, min_fen=50)
    a = factories.merchant(name="甲商户", townships=tree["townships"])
    b = factories.merchant(name="乙商户", townships=tree["townships"])
    other_operator = operator_of(other_station)
    StaffAssignment.objects.update(started_on=date(2026, 1, 1))  # both operators at their counters since January
    _sell(merchant=a, station=station, operator=operator, price="80.00", quantity=1, on="2026-03-05")
    returned = _sell(merchant=a, station=station, operator=operator, price="30.00", quantity=1, on="2026-03-06")
    with clock_at(at("2026-03-08")):
        shop_services.order_part_move(user=operator, part_id=returned.pk, to_status=Status.RETURNED, note="蛋壳破损")
    _sell(merchant=b, station=other_station, operator=other_operator, price="10.00", quantity=2, on="2026-03-10")
    factories.order((factories.product(b.partner, price="5.00"), 1), station=station)  # not handed over
    return {"a": a, "b": b}


def test_sales_by_merchant_count_what_reached_residents_and_returns_apart(sales):
    table = shop_sales_table(scope=EVERYTHING, period=MARCH, dimensions=("merchant",))
    rows = {row.keys[0]: row.figures for row in table.rows}
    a, b = rows[sales["a"].partner_id], rows[sales["b"].partner_id]
    assert (a.sales, a.goods_fen, a.commission_fen, a.returns, a.returned_goods_fen) == (2, 11_000, 330, 1, 3_000)
    assert (b.sales, b.goods_fen, b.commission_fen, b.returns) == (1, 2_000, 60, 0)
    assert a.merchant_payable_fen == 11_000 - 330
    assert table.total.goods_fen == 13_000 and table.total.commission_fen == 390


def test_sales_by_station_and_month(sales, station, other_station):
    stations = {r.keys[0]: r.figures.goods_fen for r in shop_sales_table(
        scope=EVERYTHING, period=MARCH, dimensions=("station",)).rows}
    assert stations == {station.pk: 11_000, other_station.pk: 2_000}
    months = shop_sales_table(scope=EVERYTHING, period=MARCH, dimensions=("month",))
    assert [(r.labels[0], r.figures.sales) for r in months.rows] == [("2026-03", 3)]
    february = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert shop_sales_table(scope=EVERYTHING, period=february).rows == []


def test_township_admin_and_operator_see_their_own_stations_sales(sales, township_admin, operator, officer):
    for user in (township_admin, operator):
        table = shop_sales_table(scope=report_scope_for(user=user), period=MARCH, dimensions=("merchant",))
        assert [r.keys[0] for r in table.rows] == [sales["a"].partner_id]
    assert shop_sales_table(scope=report_scope_for(user=officer), period=MARCH).total.sales == 0


def test_the_table_costs_one_query_and_one_per_named_dimension(sales, django_assert_num_queries):
    with django_assert_num_queries(2):
        shop_sales_table(scope=EVERYTHING, period=MARCH, dimensions=("merchant",))
    with django_assert_num_queries(1):
        shop_sales_table(scope=EVERYTHING, period=MARCH, dimensions=("month",))


def test_the_page_drills_from_merchant_to_stations_and_downloads_match(client, county_admin, sales, station):
    client.force_login(county_admin)
    query = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    response = client.get(URL, query)
    assert response.status_code == 200
    rows = response.context["rows"]
    first = next(r for r in rows if r["label"] == sales["a"].partner.name)
    assert "group=station" in first["url"] and f"merchant={sales['a'].partner_id}" in first["url"]
    drilled = client.get(URL + first["url"]).context["report"]
    assert [r.labels[0] for r in drilled.table.rows] == [station.name]
    assert "¥130.00" in response.content.decode() and response.content.decode().count("<svg") == 2
    lines = list(csv.reader(io.StringIO(client.get(URL, {**query, "format": "csv"}).content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 2 + 1 and lines[-1][1:3] == ["3", "130.00"]


def test_a_resident_may_not_open_the_sales_report(client, resident):
    client.force_login(resident)
    assert client.get(URL).status_code == 403
