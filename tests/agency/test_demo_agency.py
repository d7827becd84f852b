"""The till's demo data: realistic, through the real services, a sound ledger, and idempotent."""

from datetime import datetime, time, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agency import selectors
from agency.models import (
    CommissionStatement,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    Journal,
    Product,
    Provider,
)
from core.progress import Progress
from demo.seeding.agency import TillHistory, seed_agency, seed_till
from demo.seeding.county import seed_admins, seed_departments, seed_regions, seed_staff, seed_stations
from stations.models import Station


@pytest.fixture
def demo(db):
    progress = Progress(100, StringIO())
    county = seed_regions(progress)
    for seed in (seed_admins, seed_stations, seed_departments, seed_staff, seed_till):
        seed(county, progress)
    return county


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in
            (Provider, Product, CounterTransaction, Journal, DailyCashClose, FloatTopUpRequest, CommissionStatement)}


def test_the_demo_fills_the_till_with_months_of_sound_history_and_a_second_run_changes_nothing(demo):
    """One test, because seeding takes seconds."""
    seed_agency(demo, Progress(100, StringIO()))

    assert set(Product.objects.values_list("kind", flat=True)) == set(Product.Kind.values)
    assert Provider.objects.filter(float_group=Provider.FloatGroup.TELECOM).count() == 3
    count = CounterTransaction.objects.count()
    assert 150 <= count <= 600
    statuses = set(CounterTransaction.objects.values_list("status", flat=True))
    assert statuses >= {"succeeded", "failed", "reversed", "unknown"}
    assert CounterTransaction.objects.filter(product__direction="payout", status="succeeded").exists()
    assert CounterTransaction.objects.values("station").distinct().count() >= 10

    # The ledger the services wrote balances everywhere.
    assert not selectors.unbalanced_journals().exists()
    assert selectors.ledger_total_fen() == 0
    assert selectors.float_wallet_mismatches() == [] and selectors.reserved_mismatches() == []

    assert set(DailyCashClose.objects.values_list("status", flat=True)) >= {"balanced", "approved",
                                                                           "awaiting_approval"}
    assert set(FloatTopUpRequest.objects.values_list("status", flat=True)) == {"approved", "rejected", "requested"}
    statements = CommissionStatement.objects.all()
    assert {s.status for s in statements} == {"paid", "generated"}
    assert all(s.approved_by != s.generated_by for s in statements if s.approved_by)
    assert {s.generated_by.username for s in statements if s.status == "generated"} == {"county_finance"}

    # The demo operator's till, today: payments, one awaiting the provider, a low phone float.
    station = Station.objects.get(code="LT001")
    summary = selectors.station_till_summary(station=station)
    assert summary["transactions"] and summary["unknown_count"] >= 1
    assert any(w.float_group == "telecom" and w.is_low for w in summary["floats"])
    assert summary["close"] is None  # today is left for the demo to close
    assert all(tx.created_at <= timezone.now() for tx in CounterTransaction.objects.all())

    before = _counts()
    seed_agency(demo, Progress(100, StringIO()))
    assert _counts() == before


def test_the_demo_pays_some_bills_by_card_on_the_simulated_reader(demo):
    seed_agency(demo, Progress(100, StringIO()))
    cards = CounterTransaction.objects.filter(payment_method="card")
    assert cards.filter(status="succeeded", card_status="charged").exclude(card_last4="").exists()
    assert cards.filter(status="failed", card_status="declined").exists()  # one of today's, at LT001
    assert not selectors.unbalanced_journals().exists() and selectors.ledger_total_fen() == 0


@pytest.mark.parametrize("local_now", ["00:05", "00:40", "15:30"])
def test_todays_demo_payments_fall_on_today_even_just_after_midnight(local_now):
    """`make demo` run at 00:05 once put today's payments (the one awaiting the provider too) on yesterday."""
    today = timezone.localdate()
    now = timezone.make_aware(datetime.combine(today, time.fromisoformat(local_now)))
    history = SimpleNamespace(now=now, today=today)
    moments = [TillHistory.just_now(history, index, 6) for index in range(6)]
    assert all(timezone.localtime(moment).date() == today and moment <= now for moment in moments)
    assert moments == sorted(set(moments))
    if local_now == "15:30":  # with time enough, 12 minutes apart as before
        assert moments[1] - moments[0] == timedelta(minutes=12)
