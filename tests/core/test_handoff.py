"""core.handoff: work already durable in the database is handed to a broker that is down without holding the
request (Celery's own publish retries take about a second per message, retry=False alone several)."""

import time

from celery import Celery

from core.handoff import hand_off
from tests.faults.servers import free_port


def test_a_hand_off_to_a_broker_that_is_down_returns_at_once_and_raises_nothing():
    app = Celery("handoff-probe", broker=f"redis://127.0.0.1:{free_port()}/0", set_as_current=False)

    @app.task(name="probe.noop")
    def noop(value):
        return value

    assert hand_off(noop, args=(1,), what="probe") is False  # the first one also sets the pools up
    started = time.monotonic()
    results = [hand_off(noop, args=(n,), what="probe") for n in range(10)]
    assert results == [False] * 10
    assert time.monotonic() - started < 1.0  # ten of them; Celery's defaults take ~0.6 s each
