"""The world's till (agency): the product, and at four stations a payment, a receipt, a statement, a
top-up, the floats, a closed wallet payment, a daily close and two visits."""

from __future__ import annotations

import itertools
import uuid

from django.utils import timezone

from core.timeutil import last_full_month
from tests.access.world.base import World

TILL_STATIONS = (("A", "S11"), ("A", "S12"), ("A", "S21"), ("B", "S11"))


def add_till(world: World) -> None:
    from agency import services
    from agency.models import FloatWallet
    from agency.receipts import receipt_print_record
    from tests.agency.factories import ProductFactory, account_number, fund, last_month_moment, posting_at

    world.product = product = ProductFactory()
    world.add("till_product", product, tags={"global": True})
    month = last_full_month()
    numbers = itertools.count(1)
    for name, key in TILL_STATIONS:
        side = world.sides[name]
        station, operator = side.stations[key], side.operators[key]
        tags = side.tags_of_station(key)
        fund(station, product.provider.float_group, 1_000_000)
        with posting_at(last_month_moment()):
            services.counter_payment_submit(actor=operator, station=station, product=product,
                                            account_number=account_number(next(numbers)), amount_fen=20_000,
                                            idempotency_key=uuid.uuid4())
        tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                             account_number=account_number(next(numbers)), amount_fen=10_000,
                                             idempotency_key=uuid.uuid4())
        assert tx.status == "succeeded", tx.failure_reason
        copy = receipt_print_record(actor=operator, counter_transaction=tx, width="80", idempotency_key=uuid.uuid4())
        world.add("transaction", tx, tags=tags, copy=copy)
        statement = services.commission_statement_generate(actor=side.users["county_admin"], station=station,
                                                           month=month)
        world.add("statement", statement, tags=tags)
        top_up = services.float_top_up_request(actor=operator, station=station, float_group="utilities",
                                               amount_fen=300_000, idempotency_key=uuid.uuid4(),
                                               bank_reference=f"BK{station.pk}")
        world.add("top_up", top_up, tags=tags)
        for wallet in FloatWallet.objects.filter(station=station):
            world.add("wallet", wallet, tags=tags)
        services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=uuid.uuid4(),
                                     external_reference=f"SR{station.pk}")
        world.add("till_wallet", _closed_wallet_payment(station, operator), tags=tags)
        close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=500,
                                                 idempotency_key=uuid.uuid4(), explanation="少了五元")
        world.add("close", close, tags=tags)
        visit = services.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(),
                                    resident_name="王秀英", resident_phone="13800000001")
        world.add("visit", visit, state="open", tags=tags)
        done = services.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="李")
        services.visit_errand_add(actor=operator, visit=done, kind="bill", reference=tx.reference, label="电费",
                                  idempotency_key=uuid.uuid4(), counter_transaction=tx)
        services.visit_close(actor=operator, visit=done, cash_received_fen=20_000)
        copy = services.visit_receipt_print_record(actor=operator, visit=done, width="80", idempotency_key=uuid.uuid4())
        world.add("visit", done, state="closed", tags=tags, copy=copy)


def _closed_wallet_payment(station, operator):
    """A WeChat Pay QR payment the resident did not pay (closed at the wallet): made as the service leaves one,
    without asking a wallet (the matrix has no wallet transport)."""
    from agency.models import TillWalletPayment

    return TillWalletPayment.objects.create(
        idempotency_key=uuid.uuid4(), fingerprint="-", out_trade_no=f"CZTMATRIX{station.pk:08d}", wallet="wechat",
        station=station, purpose="gov_fee", amount_fen=1_000, description="规费", status="closed",
        created_by=operator, expires_at=timezone.now(), closed_at=timezone.now())
