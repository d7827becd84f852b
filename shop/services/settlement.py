"""Money after the goods reach the resident: the serving station's commission, posted to the agency's
ledger through its API (agency.order_commission_post). The merchant's payable is the part's total
less that commission (see shop/selectors/orders.py)."""

import uuid

from django.utils import timezone

from agency import services as agency
from agency.models import CommissionPlan
from agency.services.common import plan_version_in_force
from agency.tariffs import gross_commission, tariff_from_version
from shop.models import OrderPart

# The agency's commission plan for store orders; each county sets its rates in the till's plans.
STORE_PLAN_CODE = "store-order"
_KEY_NAMESPACE = uuid.UUID("6f1c1f0e-6a43-4c1e-9a53-2c8f7f5e0b11")


def part_commission_fen(part: OrderPart) -> int:
    """The commission on the part's goods under the store plan in force today (0 without a plan)."""
    version = plan_version_in_force(CommissionPlan.objects.filter(code=STORE_PLAN_CODE).first(),
                                    timezone.localdate())
    return gross_commission(tariff_from_version(version), part.goods_fen) if version else 0


def part_commission_post(*, part: OrderPart, actor) -> None:
    """Post the serving station's commission once per part (a deterministic key makes a retry the same posting).

    Called inside the move's transaction, so the posting and the part's new status land together.
    """
    commission = part_commission_fen(part)
    if commission <= 0 or part.commission_reference:
        return
    tx = agency.order_commission_post(
        actor=actor, station=part.station, commission_fen=commission,
        idempotency_key=uuid.uuid5(_KEY_NAMESPACE, f"order-part:{part.reference}:commission"),
        external_reference=part.reference, description=f"{part.partner.name} · {part.reference}")
    part.commission_fen, part.commission_reference = commission, tx.reference


def part_cash_to_till(*, part: OrderPart, actor) -> None:
    """Cash the operator took for a part at the counter goes into the station's till, once."""
    if part.counter_sale_reference:
        return
    tx = agency.cash_sale_record(
        actor=actor, station=part.station, amount_fen=part.total_fen,
        idempotency_key=uuid.uuid5(_KEY_NAMESPACE, f"order-part:{part.reference}:cash"),
        external_reference=part.reference, description=f"{part.partner.name} · {part.reference}")
    part.counter_sale_reference = tx.reference
