"""The provider simulator and adapter lookup; effective-dated commission plan versions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agency.models import CommissionPlanVersion, Product
from agency.providers import ProviderError, adapter_cache_clear, adapter_for
from agency.providers.simulator import SimulatorAdapter
from agency.services.common import plan_version_in_force
from tests.agency.factories import CommissionPlanVersionFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_lookup_gives_a_masked_name_and_the_amount_due(product):
    found = adapter_for(product.provider).lookup(product=product, account_number="3000000018")
    assert len(found.customer_name) == 3 and found.customer_name[1] == "*"
    assert product.amount_min_fen <= found.amount_due_fen <= product.amount_max_fen
    assert adapter_for(product.provider).lookup(product=product, account_number="3000000018") == found


def test_lookup_of_an_unknown_account_says_so(product):
    with pytest.raises(ProviderError):
        adapter_for(product.provider).lookup(product=product, account_number="1234560000")


def test_random_declines_and_timeouts_follow_the_configured_rates(product):
    always_declines = SimulatorAdapter(decline_rate=1.0)
    always_times_out = SimulatorAdapter(timeout_rate=1.0)
    assert always_declines.pay(product=product, account_number="1", amount_fen=1, reference="R").status == "failed"
    assert always_times_out.pay(product=product, account_number="1", amount_fen=1, reference="R").status == "unknown"


def test_a_status_query_answers_the_same_for_the_same_reference(product):
    adapter = SimulatorAdapter()
    answers = {adapter.status(product=product, account_number="1", amount_fen=1, reference=f"AG{n}").status
               for n in range(20)}
    assert answers == {"succeeded", "failed"}
    assert len({adapter.status(product=product, account_number="1", amount_fen=1, reference="AG1").status
                for _ in range(5)}) == 1


def test_an_unconfigured_adapter_is_an_error(product, settings):
    product.provider.adapter = "state-grid-http"
    with pytest.raises(ProviderError):
        adapter_for(product.provider)
    adapter_cache_clear()


def test_the_plan_version_in_force_is_the_latest_that_has_started():
    old = CommissionPlanVersionFactory(effective_from=date(2024, 1, 1), rate_bp=100)
    new = CommissionPlanVersionFactory(plan=old.plan, effective_from=date(2025, 1, 1), rate_bp=150)
    future = CommissionPlanVersionFactory(plan=old.plan, effective_from=timezone.localdate() + timedelta(days=1))
    assert plan_version_in_force(old.plan, date(2024, 6, 1)) == old
    assert plan_version_in_force(old.plan, timezone.localdate()) == new
    assert plan_version_in_force(old.plan, future.effective_from) == future
    assert plan_version_in_force(old.plan, date(2023, 1, 1)) is None


def test_a_plan_version_with_bad_shares_fails_validation_and_the_database_refuses_it():
    version = CommissionPlanVersionFactory.build(plan=CommissionPlanVersionFactory().plan, share_operator_bp=9000,
                                                 effective_from=date(2030, 1, 1))
    with pytest.raises(ValidationError, match="100"):
        version.clean()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()
    assert not CommissionPlanVersion.objects.filter(effective_from=date(2030, 1, 1)).exists()


def test_product_amount_limits_are_ordered_in_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(amount_min_fen=500, amount_max_fen=100)
    assert not Product.objects.filter(amount_min_fen=500).exists()
