"""Setting up the till: providers, products, commission plans with versions, the preview calculator and
the database's refusal to change a version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from agency import selectors_setup
from agency.models import CommissionPlan, CommissionPlanVersion, LedgerEntry, Product, Provider
from agency.services import setup
from core.models import AuditEvent
from tests.agency.factories import (
    CommissionPlanVersionFactory,
    ProductFactory,
    ProviderFactory,
    fund,
)
from tests.agency.invariant_helpers import pay, refused, run
from tests.agency.till_setup import (
    TERMS,
    today,
)

pytestmark = pytest.mark.django_db


def product_fields(provider, **changes) -> dict:
    return {"provider": provider, "name": "电费缴纳", "kind": "electricity", "account_label": "户号",
            "account_min_length": 10, "account_max_length": 10, "amount_min_fen": 100, "amount_max_fen": 500_000,
            **changes}


def actions(target) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(target.pk)).order_by("pk").values_list("action", flat=True))


# --- providers and products ---------------------------------------------------------------------------------

def test_a_county_admin_creates_and_deactivates_a_provider_with_an_audit_trail(county_admin):
    provider = setup.provider_create(actor=county_admin, code="state-grid", name="国网", float_group="utilities",
                                     adapter="simulator")
    setup.provider_update(actor=county_admin, provider=provider, is_active=False)
    provider.refresh_from_db()
    assert provider.is_active is False
    assert actions(provider) == ["agency.provider.created", "agency.provider.updated"]
    event = AuditEvent.objects.filter(action="agency.provider.updated").get()
    assert event.data == {"changes": {"is_active": [True, False]}}


def test_an_update_that_changes_nothing_writes_nothing(county_admin):
    provider = ProviderFactory()
    setup.provider_update(actor=county_admin, provider=provider, name=provider.name)
    assert actions(provider) == []


def test_a_township_admin_an_operator_and_a_resident_may_not_set_up_the_till(township_admin, operator, resident):
    for user in (township_admin, operator, resident):
        with pytest.raises(PermissionDenied):
            setup.provider_create(actor=user, code="x", name="某公司", float_group="utilities")
    assert not Provider.objects.exists()


def test_a_provider_code_is_unique_and_its_adapter_must_be_configured(county_admin):
    ProviderFactory(code="taken")
    with pytest.raises(ValidationError) as caught:
        setup.provider_create(actor=county_admin, code="taken", name="某公司", float_group="utilities",
                              adapter="no-such-adapter")
    assert set(caught.value.message_dict) == {"code", "adapter"}


def test_a_product_is_refused_with_every_bad_limit_named_by_field(county_admin):
    provider = ProviderFactory()
    with pytest.raises(ValidationError) as caught:
        setup.product_create(actor=county_admin, code="bad", **product_fields(
            provider, amount_min_fen=5_000, amount_max_fen=100, account_min_length=12, account_max_length=8,
            amount_choices_fen=[50_000], customer_fee_fen=-1))
    assert set(caught.value.message_dict) == {"amount_max_fen", "account_max_length", "amount_choices_fen",
                                              "customer_fee_fen"}
    assert not Product.objects.exists()


def test_a_product_change_is_audited_with_old_and_new_values(county_admin):
    product = ProductFactory()
    setup.product_update(actor=county_admin, product=product, amount_max_fen=600_000, customer_fee_fen=100)
    event = AuditEvent.objects.get(action="agency.product.updated")
    assert event.data["changes"] == {"amount_max_fen": [500_000, 600_000], "customer_fee_fen": [0, 100]}


# --- plans, versions and the preview ------------------------------------------------------------------------

def test_a_plan_is_created_with_its_terms_and_unused_terms_are_not_kept(county_admin):
    plan = setup.commission_plan_create(actor=county_admin, code="telecom", name="话费 2%", versions=[
        {"effective_from": date(2025, 1, 1), **TERMS, "flat_fen": 999, "slabs": [{"up_to_fen": None}]}])
    version = plan.versions.get()
    assert (version.effective_from, version.rate_bp, version.flat_fen, version.slabs) == (date(2025, 1, 1), 200, 0, [])


def test_a_plan_whose_shares_do_not_make_a_whole_is_refused_and_nothing_is_saved(county_admin):
    with pytest.raises(ValidationError) as caught:
        setup.commission_plan_create(actor=county_admin, code="p", name="方案", versions=[
            {"effective_from": today(), **TERMS, "share_platform_bp": 500}])
    assert "合计须为 100%" in " ".join(caught.value.messages)
    assert not CommissionPlan.objects.exists()


def test_new_terms_are_a_new_version_from_a_date_and_the_old_ones_stay_as_they_were(county_admin):
    old = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    new = setup.commission_plan_version_add(actor=county_admin, plan=old.plan, effective_from=today() + timedelta(days=7),
                                            **{**TERMS, "rate_bp": 150})
    old_terms = setup.terms_of(old)
    old.refresh_from_db()
    assert setup.terms_of(old) == old_terms
    rows = selectors_setup.version_rows(selectors_setup.access_plan_by_id(plan_id=old.plan_id), today=today())
    assert [(row.version, row.state) for row in rows] == [(new, "scheduled"), (old, "in_force")]
    assert actions(old.plan) == ["agency.commission_plan.version_added"]


def test_a_new_version_may_not_start_in_the_past_nor_on_a_day_taken_nor_repeat_the_terms_in_force(county_admin):
    old = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    for day, terms, field in ((today() - timedelta(days=1), TERMS, "effective_from"),
                              (date(2025, 1, 1), TERMS, "effective_from"),
                              (today() + timedelta(days=3), setup.terms_of(old), "__all__")):
        with pytest.raises(ValidationError) as caught:
            setup.commission_plan_version_add(actor=county_admin, plan=old.plan, effective_from=day, **terms)
        assert list(caught.value.message_dict) == [field]
    assert old.plan.versions.count() == 1


def test_only_a_version_that_has_not_started_may_be_withdrawn(county_admin):
    old = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    later = setup.commission_plan_version_add(actor=county_admin, plan=old.plan,
                                              effective_from=today() + timedelta(days=1), **TERMS)
    with pytest.raises(ValidationError) as caught:
        setup.commission_plan_version_withdraw(actor=county_admin, version=old)
    assert caught.value.code == "started"
    setup.commission_plan_version_withdraw(actor=county_admin, version=later)
    assert list(old.plan.versions.all()) == [old]
    assert actions(old.plan)[-1] == "agency.commission_plan.version_withdrawn"


def test_the_preview_computes_what_the_till_posts_for_the_same_amount(operator, station):
    product = ProductFactory()
    fund(station, product.provider.float_group, 1_000_000)
    tx = pay(operator, station, product, amount=123_456)
    posted = {entry.account.code: -entry.amount_fen for entry in
              LedgerEntry.objects.filter(journal__counter_transaction=tx, role="commission", amount_fen__lt=0)}
    tax = LedgerEntry.objects.get(journal__counter_transaction=tx, role="tax", amount_fen__lt=0).amount_fen
    preview = selectors_setup.commission_preview(plan=product.commission_plan, amount_fen=123_456, on=today())
    assert preview.version == tx.plan_version
    assert sorted(posted.values()) == sorted(p for p in preview.commission.parts.values())
    assert preview.commission.total_fen == tx.commission_fen == 1235
    assert -tax == preview.commission.tax_fen


def test_the_preview_uses_the_version_in_force_on_the_day_asked(county_admin):
    old = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1), rate_bp=100, min_fen=0)
    setup.commission_plan_version_add(actor=county_admin, plan=old.plan, effective_from=today() + timedelta(days=10),
                                      **{**TERMS, "rate_bp": 300, "min_fen": 0})
    plan = old.plan
    assert selectors_setup.commission_preview(plan=plan, amount_fen=10_000, on=today()).commission.total_fen == 100
    later = selectors_setup.commission_preview(plan=plan, amount_fen=10_000, on=today() + timedelta(days=10))
    assert later.commission.total_fen == 300
    assert selectors_setup.commission_preview(plan=plan, amount_fen=10_000, on=date(2024, 1, 1)).version is None


# --- the database holds it too ----------------------------------------------------------------------------

def test_the_database_refuses_to_change_any_version_or_remove_one_that_has_started(county_admin):
    started = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    scheduled = setup.commission_plan_version_add(actor=county_admin, plan=started.plan,
                                                  effective_from=today() + timedelta(days=2), **TERMS)
    refused("UPDATE agency_commissionplanversion SET rate_bp = 999 WHERE id = %s", [started.pk])
    refused("UPDATE agency_commissionplanversion SET rate_bp = 999 WHERE id = %s", [scheduled.pk])
    refused("DELETE FROM agency_commissionplanversion WHERE id = %s", [started.pk])
    with transaction.atomic():
        run("DELETE FROM agency_commissionplanversion WHERE id = %s", [scheduled.pk])
    assert list(CommissionPlanVersion.objects.values_list("pk", flat=True)) == [started.pk]


@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_plan_versions(db):
    with pytest.raises(IntegrityError, match="TRUNCATE refused"), transaction.atomic():
        run("TRUNCATE agency_commissionplanversion CASCADE")
    assert connection.vendor == "postgresql"
