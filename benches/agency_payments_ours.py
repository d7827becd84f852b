"""The "ours" side of benches/agency_payments.py: one client process paying through agency's service, and
the paced loop both sides share (warm-up, then a measured window)."""

from __future__ import annotations

import time


def pay_loop(pay, seconds: float, warmup: float) -> tuple[int, float, float]:
    """Pay during `warmup` seconds, then count the payments of `seconds`: (count, elapsed, CPU seconds)."""
    deadline = time.monotonic() + warmup
    n = 0
    while time.monotonic() < deadline:
        pay(n)
        n += 1
    count, cpu, started = 0, time.process_time(), time.monotonic()
    deadline = started + seconds
    while time.monotonic() < deadline:
        pay(n + count)
        count += 1
    return count, time.monotonic() - started, time.process_time() - cpu


def pay_ours(args) -> dict:
    station_id, user_id, product_id, seconds, warmup = args
    import django

    django.setup()
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from agency.models import Product
    from agency.services import counter_payment_submit
    from stations.models import Station

    station = Station.objects.select_related("village").get(pk=station_id)
    user = User.objects.get(pk=user_id)
    product = Product.objects.select_related("provider", "commission_plan").get(pk=product_id)

    def pay(n: int) -> None:
        tx = counter_payment_submit(
            actor=user,
            station=station,
            product=product,
            account_number=f"{n:08d}12",
            amount_fen=10_000 + n % 1000,
            idempotency_key=uuid.uuid4(),
        )
        assert tx.status == "succeeded", tx.status

    count, elapsed, cpu = pay_loop(pay, seconds, warmup)
    with CaptureQueriesContext(connection) as queries:
        pay(10**6)
    return {"count": count, "elapsed": elapsed, "cpu": cpu, "statements": len(queries.captured_queries)}
