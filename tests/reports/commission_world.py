"""Commission postings with known figures, made through agency's own services (real journals, and the
commission rollups they keep), each posted on a known day (tests.agency.factories.posting_at).

Plan version of ProductFactory: 1 % of the amount, at least 0.10 yuan; operator 70 %, township 10 %,
county 10 %, platform 10 %; tax 3 % of the operator's share (rounded half up). Store order commission:
all to the operator, no tax.

March 2026
  station (township 0):  p1 100.00 → 1.00 (0.70/0.10/0.10/0.10, tax 0.02)
                         p1 250.00 → 2.50 (1.75/0.25/0.25/0.25, tax 0.05)
                         p2 100.00 → 1.00, reversed on 10 March (clawback 1.00, tax 0.02 given back)
                         store order commission 5.00 (all operator, no tax)
  other (township 1):    p1 100.00 → 1.00 (tax 0.02)
                         p1 200.00 → 2.00 (1.40/0.20/0.20/0.20, tax 0.04), reversed on 2 April
April 2026
  station:               p1 100.00 → 1.00 (tax 0.02)
Statements for March: station's approved and paid (net 7.38), other's generated (net 2.04).
"""

from __future__ import annotations

import datetime
import uuid

from agency import services
from agency.providers import adapter_cache_clear
from tests.agency.factories import ProductFactory, ProviderFactory, account_number, fund, posting_at
from tests.factories import staff_user
from tests.reports.factories import at

SIMULATOR = {"simulator": {"BACKEND": "agency.providers.simulator.SimulatorAdapter",
                           "OPTIONS": {"latency_ms": 0, "decline_rate": 0.0, "timeout_rate": 0.0, "seed": 1}}}


def use_simulator(settings) -> None:
    """A fast, deterministic provider simulator (as tests/agency/conftest.py sets up for its tests)."""
    settings.AGENCY_PROVIDER_ADAPTERS = SIMULATOR
    adapter_cache_clear()


def operator_of(station):
    from accounts.roles import Role

    return staff_user(Role.OPERATOR, station=station)


def pay(*, operator, station, product, amount_fen: int, on: str, n: int = 1):
    """A succeeded provider payment whose journal is posted on `on` (Beijing 10:00)."""
    with posting_at(at(on)):
        tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                             account_number=account_number(n), amount_fen=amount_fen,
                                             idempotency_key=uuid.uuid4())
    assert tx.status == "succeeded", tx.failure_reason
    return tx


def reverse(*, operator, tx, on: str):
    with posting_at(at(on, 11)):
        services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="录错金额")
    tx.refresh_from_db()
    return tx


def order_commission(*, station, commission_fen: int, on: str, order: str = "ORD-1"):
    with posting_at(at(on, 15)):
        return services.order_commission_post(actor=None, station=station, commission_fen=commission_fen,
                                              idempotency_key=uuid.uuid4(), external_reference=order)


def build_commission_world(*, settings, station, other_station, operator, county_admin) -> dict:
    use_simulator(settings)
    p1 = ProductFactory(name="国网电费", provider=ProviderFactory(name="国家电网"))
    p2 = ProductFactory(name="移动话费", provider=ProviderFactory(name="中国移动"))
    other_operator = operator_of(other_station)
    for s in (station, other_station):
        fund(s, p1.provider.float_group, 10_000_000)
    mistaken = pay(operator=operator, station=station, product=p2, amount_fen=10_000, on="2026-03-04")
    txs = {
        "s1": pay(operator=operator, station=station, product=p1, amount_fen=10_000, on="2026-03-02"),
        "s2": pay(operator=operator, station=station, product=p1, amount_fen=25_000, on="2026-03-03", n=2),
        "s3": reverse(operator=operator, tx=mistaken, on="2026-03-10"),
        "s4": order_commission(station=station, commission_fen=500, on="2026-03-12"),
        "o1": pay(operator=other_operator, station=other_station, product=p1, amount_fen=10_000, on="2026-03-05"),
        "o2": pay(operator=other_operator, station=other_station, product=p1, amount_fen=20_000, on="2026-03-06",
                  n=3),
        "s5": pay(operator=operator, station=station, product=p1, amount_fen=10_000, on="2026-04-08", n=4),
    }
    reverse(operator=other_operator, tx=txs["o2"], on="2026-04-02")
    march = datetime.date(2026, 3, 1)
    mine = services.commission_statement_generate(actor=None, station=station, month=march)
    services.commission_statement_approve(actor=county_admin, statement=mine)
    services.commission_statement_mark_paid(actor=county_admin, statement=mine, payment_reference="BANK-0301")
    theirs = services.commission_statement_generate(actor=None, station=other_station, month=march)
    return {"p1": p1, "p2": p2, "txs": txs, "statement": mine, "other_statement": theirs,
            "other_operator": other_operator}
