"""Commission rollups on PostgreSQL: the same exactness after random postings and reversals, and
concurrent postings to the same rollup row (the upsert adds under the row lock; none is lost)."""

import random
import threading
import uuid

import pytest
from django.db import connection

from agency import services
from agency.models import CommissionRollup
from agency.services.rollups import ROLLUP_TABLES, rollups_rebuild
from reports.selectors.scope import ReportScope
from stations.models import Region
from tests.reports.rollup_world import (
    apply,
    assert_rollups_equal_ledger,
    build_rollup_world,
    random_ops,
    rollup_snapshot,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(settings, tree, station, other_station):
    world = build_rollup_world(settings=settings, stations=[station, other_station])
    world["township"] = Region.objects.get(path=station.village.path[: Region.steplen * 3])
    return world


@pytest.mark.django_db
def test_random_postings_and_reversals_roll_up_exactly_on_postgresql(world, tree, station):
    assert connection.vendor == "postgresql"
    rng = random.Random(20260309)
    for op in random_ops(rng, 40):
        apply(world, op, rng)
    assert assert_rollups_equal_ledger(world, [ReportScope(everything=True),
                                               ReportScope(region_paths=(tree["county"].path,)),
                                               ReportScope(region_paths=(station.village.path[:12],)),
                                               ReportScope(station_ids=(station.pk,))]) > 100
    incremental = rollup_snapshot()
    for model in ROLLUP_TABLES:
        model.objects.all().delete()
    rollups_rebuild()
    assert rollup_snapshot() == incremental


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_to_one_rollup_row_all_count(world, station):
    barrier = threading.Barrier(6, timeout=60)
    errors = []

    def post(n):
        try:
            barrier.wait()
            services.order_commission_post(actor=None, station=station, commission_fen=100 + n,
                                           idempotency_key=uuid.uuid4(), external_reference=f"ORD-{n}")
        except Exception as error:  # handed back to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    month_rows = CommissionRollup.objects.filter(station=station, product_key=0)
    assert [r.transactions for r in month_rows] == [6]
    assert month_rows[0].gross_fen == sum(100 + n for n in range(6))
    assert month_rows[0].township_path == station.village.path[:12]
