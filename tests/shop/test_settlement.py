"""The serving station earns its commission when a part reaches the resident, posted to the agency ledger."""

from datetime import date

import pytest

from agency.models import CommissionPlan, CommissionPlanVersion, CounterTransaction
from shop.models import OrderPart
from shop.services import orders as services
from shop.services.settlement import STORE_PLAN_CODE
from tests.shop import factories

pytestmark = pytest.mark.django_db
Status = OrderPart.Status


@pytest.fixture
def store_plan(db):
    plan = CommissionPlan.objects.create(code=STORE_PLAN_CODE, name="商城订单佣金")
    CommissionPlanVersion.objects.create(plan=plan, effective_from=date(2020, 1, 1), method="percentage",
                                         rate_bp=300, min_fen=50)
    return plan


@pytest.fixture
def ready_part(merchant_a, merchant_a_user, station, operator):
    item = factories.product(merchant_a.partner, title="电热水壶", price="80.00")
    part = factories.order((item, 1), station=station).parts.get()
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.CONFIRMED)
    services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status=Status.SENT)
    return services.order_part_move(user=operator, part_id=part.pk, to_status=Status.READY)


def test_handing_over_posts_the_stations_commission_once(store_plan, ready_part, operator, station):
    services.order_part_hand_over(user=operator, part_id=ready_part.pk, code=ready_part.pickup_code)
    part = OrderPart.objects.get(pk=ready_part.pk)
    assert part.commission_fen == 240  # 3 % of 80.00 yuan
    tx = CounterTransaction.objects.get(reference=part.commission_reference)
    assert tx.kind == "order_commission" and tx.station == station and tx.amount_fen == 240
    assert tx.external_reference == part.reference
    assert CounterTransaction.objects.filter(kind="order_commission").count() == 1


def test_without_a_store_plan_nothing_is_posted(ready_part, operator):
    services.order_part_hand_over(user=operator, part_id=ready_part.pk, code=ready_part.pickup_code)
    part = OrderPart.objects.get(pk=ready_part.pk)
    assert part.commission_fen == 0 and not CounterTransaction.objects.filter(kind="order_commission").exists()
