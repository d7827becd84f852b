"""Setting up the till: providers, products, commission plans with versions, the preview
calculator, the database's refusal to change a version, and the spreadsheet imports."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency import selectors_setup
from agency.models import CommissionPlan, CommissionPlanVersion, LedgerEntry, Product, Provider
from agency.services import setup, setup_import
from agency.services.setup_import_sheets import SHEETS
from core.models import AuditEvent, ImportJob
from core.spreadsheets import to_csv
from tests.agency.factories import (
    CommissionPlanVersionFactory,
    ProductFactory,
    ProviderFactory,
    fund,
)
from tests.agency.invariant_helpers import pay, refused, run

pytestmark = pytest.mark.django_db

TERMS = {"method": "percentage", "rate_bp": 200, "min_fen": 10, "share_operator_bp": 7000, "share_township_bp": 1000,
         "share_county_bp": 1000, "share_platform_bp": 1000, "tax_rate_bp": 300}


def today() -> date:
    return timezone.localdate()


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


# --- spreadsheet imports -----------------------------------------------------------------------------------

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
DEMO_FILES = (("providers", "providers.csv"), ("plans", "commission_plans.csv"), ("products", "products.csv"))


def import_file(kind: str, data: bytes, actor, *, apply: bool = True, name: str = "file.csv"):
    return setup_import.setup_import(sheet=SHEETS[kind], file=data, filename=name, actor=actor,
                                     apply=apply)


def import_demo_files(actor, *, apply: bool = True) -> list:
    return [import_file(kind, (DEMO_DATA / name).read_bytes(), actor, apply=apply, name=name)
            for kind, name in DEMO_FILES]


def rows_in(name: str) -> int:
    return len((DEMO_DATA / name).read_text("utf-8-sig").splitlines()) - 1


PROVIDER_ROWS, PLAN_ROWS, PRODUCT_ROWS = (rows_in(name) for _kind, name in DEMO_FILES)
SHARES = {"share_operator_bp": 7000, "share_township_bp": 1000, "share_county_bp": 1000, "share_platform_bp": 1000,
          "tax_rate_bp": 300}


def test_the_demo_files_import_into_an_empty_database_as_the_demo_catalogue(county_admin):
    reports = import_demo_files(county_admin)
    assert [(r.ok, r.created, r.updated, r.unchanged) for r in reports] == [
        (True, PROVIDER_ROWS, 0, 0), (True, PLAN_ROWS, 0, 0), (True, PRODUCT_ROWS, 0, 0)]
    assert set(Product.objects.values_list("kind", flat=True)) == set(Product.Kind.values)
    electricity = Product.objects.select_related("provider", "commission_plan").get(code="sgcc-electricity")
    assert (electricity.provider.code, electricity.name, electricity.kind, electricity.commission_plan.code) == (
        "state-grid", "电费缴纳", "electricity", "utility-slabs")
    assert (electricity.account_check_digit, electricity.account_min_length, electricity.amount_min_fen,
            electricity.amount_max_fen, electricity.lookup_supported) == ("mod10_31", 10, 100, 500_000, True)
    withdrawal = Product.objects.get(code="psbc-withdrawal")
    assert (withdrawal.direction, withdrawal.account_check_digit, withdrawal.customer_fee_fen) == ("payout", "luhn", 100)
    assert Product.objects.get(code="cmcc-topup").amount_choices_fen == [3_000, 5_000, 10_000, 20_000]
    for code, name, terms in [
        ("utility-slabs", "水电费 阶梯佣金", {**SHARES, "method": "slabs", "max_fen": 500, "slabs": [
            {"up_to_fen": 10_000, "rate_bp": 0, "flat_fen": 30}, {"up_to_fen": 50_000, "rate_bp": 0, "flat_fen": 60},
            {"up_to_fen": None, "rate_bp": 20, "flat_fen": 0}]}),
        ("insurance-8pct", "保险代理 8%", {**SHARES, "method": "percentage", "rate_bp": 800, "min_fen": 100}),
        ("store-order", "会员商城订单佣金", {"method": "percentage", "rate_bp": 300, "min_fen": 50}),
    ]:
        version = CommissionPlanVersion.objects.get(plan__code=code)
        expected = setup.plan_version_build(plan=None, effective_from=date(2025, 1, 1), **terms)
        assert (version.plan.name, version.effective_from, setup.terms_of(version)) == (
            name, date(2025, 1, 1), setup.terms_of(expected))


def test_importing_the_same_files_again_changes_nothing(county_admin):
    import_demo_files(county_admin)
    events = AuditEvent.objects.count()
    again = import_demo_files(county_admin)
    assert [(r.created, r.updated, r.unchanged) for r in again] == [
        (0, 0, PROVIDER_ROWS), (0, 0, PLAN_ROWS), (0, 0, PRODUCT_ROWS)]
    assert AuditEvent.objects.count() == events


def test_a_check_reports_what_would_change_and_writes_nothing(county_admin):
    import_demo_files(county_admin)
    changed = (DEMO_DATA / "products.csv").read_text("utf-8-sig").replace(
        "sgcc-electricity,电费缴纳,state-grid,电费,向村民收款,户号,10,10,是,模10校验（权重3-1）,1.00,5000.00",
        "sgcc-electricity,电费缴纳,state-grid,电费,向村民收款,户号,10,10,是,模10校验（权重3-1）,1.00,6000.00")
    changed += "new-water,自来水费,laoting-water,水费,收款,用户编号,8,8,是,无,1,2000,,0,30,是,utility-slabs,是\n"
    report = import_file("products", changed.encode(), county_admin, apply=False)
    assert report.created_codes == ["new-water"]
    assert report.updated_codes == ["sgcc-electricity（最高金额（元））"]
    assert report.unchanged == PRODUCT_ROWS - 1
    assert not Product.objects.filter(code="new-water").exists()
    assert Product.objects.get(code="sgcc-electricity").amount_max_fen == 500_000


def test_one_bad_row_refuses_the_whole_file_with_every_problem_by_line_and_column(county_admin):
    import_file("providers", (DEMO_DATA / "providers.csv").read_bytes(), county_admin)
    import_file("plans", (DEMO_DATA / "commission_plans.csv").read_bytes(), county_admin)
    text = (DEMO_DATA / "products.csv").read_text("utf-8-sig").splitlines()
    text[2] = text[2].replace("laoting-water,水费缴纳,laoting-water", "laoting-water,水费缴纳,no-such-provider")
    text[3] = text[3].replace(",10.00,600.00,", ",10.00,abc,")
    text[4] = text[4].replace("telecom-2pct", "no-such-plan")
    report = import_file("products", "\n".join(text).encode(), county_admin)
    assert not report.ok and report.created == 0
    assert [(p.line, p.column) for p in report.problems] == [(3, "服务商代码"), (4, "最高金额（元）"),
                                                             (5, "佣金方案代码")]
    assert "no-such-provider" in report.problems[0].message
    assert not Product.objects.exists()


def test_a_plan_row_may_add_a_version_from_today_on_but_never_change_one(county_admin):
    import_file("plans", (DEMO_DATA / "commission_plans.csv").read_bytes(), county_admin)
    header, first, *_rest = (DEMO_DATA / "commission_plans.csv").read_text("utf-8-sig").splitlines()
    changed = first.replace(",70,10,10,10,3", ",60,20,10,10,3")
    report = import_file("plans", f"{header}\n{changed}\n".encode(), county_admin)
    assert [(p.line, p.column) for p in report.problems] == [(2, "生效日期")]
    assert "版本不能更改" in report.problems[0].message
    backdated = changed.replace("2025-01-01", "2025-06-01")
    report = import_file("plans", f"{header}\n{first}\n{backdated}\n".encode(), county_admin)
    assert [(p.line, p.column) for p in report.problems] == [(3, "生效日期")]
    later = (today() + timedelta(days=30)).isoformat()
    report = import_file("plans", f"{header}\n{first}\n{changed.replace('2025-01-01', later)}\n".encode(), county_admin)
    assert (report.ok, report.created_codes, report.unchanged) == (True, [f"utility-slabs {later}"], 1)
    assert CommissionPlan.objects.get(code="utility-slabs").versions.count() == 2


def test_a_check_job_keeps_its_file_until_it_is_applied_once(county_admin, django_capture_on_commit_callbacks,
                                                             private_files):
    sheet = SHEETS["providers"]
    upload = SimpleUploadedFile("providers.csv", (DEMO_DATA / "providers.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        check = setup_import.setup_import_check_submit(user=county_admin, sheet=sheet, upload=upload,
                                                       idempotency_key=uuid.uuid4())
    check.refresh_from_db()
    assert (check.status, check.result["created"], bool(check.file)) == ("done", PROVIDER_ROWS, True)
    assert not Provider.objects.exists()
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        job = setup_import.setup_import_apply_submit(user=county_admin, sheet=sheet, check_job_id=check.pk,
                                                     idempotency_key=key)
    job.refresh_from_db()
    check.refresh_from_db()
    assert (job.status, job.result["created"], bool(job.file), bool(check.file)) == (
        "done", PROVIDER_ROWS, False, False)
    assert Provider.objects.count() == PROVIDER_ROWS
    assert setup_import.setup_import_apply_submit(user=county_admin, sheet=sheet, check_job_id=check.pk,
                                                  idempotency_key=key) == job
    # A second apply with a new key (another tab) is the first apply: the file is imported once.
    assert setup_import.setup_import_apply_submit(user=county_admin, sheet=sheet, check_job_id=check.pk,
                                                  idempotency_key=uuid.uuid4()) == job


def test_an_exported_sheet_imports_back_unchanged(county_admin):
    import_demo_files(county_admin)
    for kind in ("providers", "plans", "products"):
        sheet = SHEETS[kind]
        exported = to_csv(setup_import.setup_export(sheet=sheet, rows=selectors_setup.setup_export_rows(kind=kind)))
        report = import_file(kind, exported, county_admin)
        assert (report.ok, report.created, report.updated) == (True, 0, 0), report.problems


# --- the pages ------------------------------------------------------------------------------------------------

def test_township_admins_read_the_set_up_but_only_county_admins_change_it(client, township_admin, county_admin,
                                                                         operator):
    product = ProductFactory()
    client.force_login(township_admin)
    for url in (reverse("agency:setup-home"), reverse("agency:setup-product-list"),
                reverse("agency:setup-plan-detail", args=[product.commission_plan_id])):
        assert client.get(url).status_code == 200
    for url in (reverse("agency:setup-provider-create"), reverse("agency:setup-product-edit", args=[product.pk]),
                reverse("agency:setup-plan-version-create", args=[product.commission_plan_id]),
                reverse("agency:setup-import", args=["products"])):
        assert client.get(url).status_code == 403
    page = client.get(reverse("agency:setup-home")).content.decode()
    assert reverse("agency:setup-provider-create") not in page
    client.force_login(operator)
    assert client.get(reverse("agency:setup-home")).status_code == 403
    client.force_login(county_admin)
    page = client.get(reverse("agency:setup-home")).content.decode()
    assert reverse("agency:setup-provider-create") in page


def test_the_county_home_links_to_the_till_set_up(client, county_admin):
    client.force_login(county_admin)
    assert reverse("agency:setup-home") in client.get(reverse("stations:county-home")).content.decode()


def test_a_product_form_with_bad_limits_is_shown_again_in_chinese_with_what_was_typed(client, county_admin):
    provider = ProviderFactory()
    client.force_login(county_admin)
    data = {"code": "water-bill", "provider": provider.pk, "name": "水费缴纳", "kind": "water", "direction": "collect",
            "account_label": "用户编号", "account_min_length": 8, "account_max_length": 8, "account_check_digit": "none",
            "amount_min": "50", "amount_max": "10", "amount_choices": "", "customer_fee": "0.5",
            "reversal_window_minutes": 30, "is_active": "on"}
    response = client.post(reverse("agency:setup-product-create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "最高金额低于最低金额" in page
    assert 'value="水费缴纳"' in page and 'value="water-bill"' in page
    assert not Product.objects.exists()
    response = client.post(reverse("agency:setup-product-create"), {**data, "amount_max": "2,000.50"})
    assert response.status_code == 302
    product = Product.objects.get(code="water-bill")
    assert (product.amount_min_fen, product.amount_max_fen, product.customer_fee_fen) == (5_000, 200_050, 50)


def test_a_provider_is_edited_and_taken_off_the_counter(client, county_admin):
    provider = ProviderFactory()
    client.force_login(county_admin)
    response = client.post(reverse("agency:setup-provider-edit", args=[provider.pk]), {
        "name": "国网河北", "float_group": "utilities", "adapter": "simulator"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.is_active) == ("国网河北", False)


def test_a_plan_is_tried_then_saved_from_the_form(client, county_admin):
    client.force_login(county_admin)
    data = {"code": "water-slabs", "name": "水费阶梯", "effective_from": "2025-01-01", "method": "slabs",
            "slabs": "100:0:0.30\n以上:0.2:0", "max": "5", "share_operator": "70", "share_township": "10",
            "share_county": "10", "share_platform": "10", "tax_rate": "3", "try_amount": "1,000"}
    response = client.post(reverse("agency:setup-plan-create"), {**data, "action": "try"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-commission' in page
    assert "¥2.00" in page  # 0.2 % of 1,000 yuan
    assert not CommissionPlan.objects.exists()
    response = client.post(reverse("agency:setup-plan-create"), {**data, "action": "save"})
    plan = CommissionPlan.objects.get(code="water-slabs")
    assert response["Location"] == reverse("agency:setup-plan-detail", args=[plan.pk])
    assert plan.versions.get().slabs == [{"up_to_fen": 10_000, "rate_bp": 0, "flat_fen": 30},
                                         {"up_to_fen": None, "rate_bp": 20, "flat_fen": 0}]


def test_new_terms_in_the_past_are_refused_on_the_form_and_the_terms_in_force_stay(client, county_admin):
    version = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    client.force_login(county_admin)
    url = reverse("agency:setup-plan-version-create", args=[version.plan_id])
    form = client.get(url).context["form"]
    assert form.initial["rate"] == version.rate_bp
    data = {"effective_from": (today() - timedelta(days=1)).isoformat(), "method": "percentage", "rate": "1.5",
            "min": "0.10", "share_operator": "70", "share_township": "10", "share_county": "10",
            "share_platform": "10", "tax_rate": "3", "action": "save"}
    response = client.post(url, data)
    assert response.status_code == 200 and "已生效" in response.content.decode()
    assert version.plan.versions.count() == 1
    response = client.post(url, {**data, "effective_from": (today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    assert version.plan.versions.order_by("effective_from").last().rate_bp == 150


def test_the_plan_page_computes_a_preview_and_withdraws_terms_that_have_not_started(client, county_admin):
    version = CommissionPlanVersionFactory(effective_from=date(2025, 1, 1))
    later = setup.commission_plan_version_add(actor=county_admin, plan=version.plan,
                                              effective_from=today() + timedelta(days=5), **TERMS)
    client.force_login(county_admin)
    url = reverse("agency:setup-plan-detail", args=[version.plan_id])
    page = client.get(url, {"amount": "1,234.56"}).content.decode()
    assert "¥12.35" in page and "¥8.65" in page  # 1 % → 12.35; the operator's 70 % → 8.65 (before tax, the odd fen)
    client.post(reverse("agency:setup-plan-version-withdraw", args=[version.plan_id, later.pk]))
    client.post(reverse("agency:setup-plan-version-withdraw", args=[version.plan_id, version.pk]))
    assert list(version.plan.versions.all()) == [version]


def test_a_file_is_checked_then_applied_from_the_import_page(client, county_admin, django_capture_on_commit_callbacks,
                                                             private_files):
    client.force_login(county_admin)
    url = reverse("agency:setup-import", args=["providers"])
    upload = SimpleUploadedFile("providers.csv", (DEMO_DATA / "providers.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload, "idempotency_key": uuid.uuid4()})
    page = client.get(response["Location"]).content.decode()
    assert 'data-import-result="check"' in page and "state-grid" in page
    assert not Provider.objects.exists()
    check = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"check_job": check.pk, "idempotency_key": uuid.uuid4()})
    page = client.get(response["Location"]).content.decode()
    assert 'data-import-result="applied"' in page
    assert Provider.objects.count() == PROVIDER_ROWS


def test_a_bad_file_is_refused_on_the_import_page_with_its_lines(client, county_admin, private_files,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    url = reverse("agency:setup-import", args=["providers"])
    bad = "服务商代码,服务商名称,类型\nstate-grid,国网,火星\n,无代码,通信\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("p.csv", bad), "idempotency_key": uuid.uuid4()})
    page = client.get(response["Location"]).content.decode()
    assert "没有导入" in page or "未导入" in page
    assert "火星" in page and "不能为空" in page
    assert 'data-import-result' not in page and not Provider.objects.exists()


def test_the_export_is_a_csv_in_the_import_format(client, township_admin):
    ProductFactory(code="sgcc")
    client.force_login(township_admin)
    response = client.get(reverse("agency:setup-export", args=["products", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else \
        response.content.decode("utf-8-sig")
    assert text.startswith("产品代码,产品名称,服务商代码") and "\r\nsgcc," in text


def test_the_set_up_lists_cost_the_same_queries_however_many_rows(client, county_admin):
    client.force_login(county_admin)
    urls = (reverse("agency:setup-home"), reverse("agency:setup-product-list"))
    ProductFactory()
    client.get(urls[0])  # the session, the scope's posts
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        few.append(len(queries))
    for _ in range(4):
        version = CommissionPlanVersionFactory()
        CommissionPlanVersionFactory(plan=version.plan, effective_from=today() + timedelta(days=3))
        ProductFactory(commission_plan=version.plan)
    many = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        many.append(len(queries))
    assert many == few


def test_checking_a_file_that_changes_nothing_offers_nothing_to_apply(client, county_admin, private_files,
                                                                      django_capture_on_commit_callbacks):
    import_file("providers", (DEMO_DATA / "providers.csv").read_bytes(), county_admin)
    client.force_login(county_admin)
    upload = SimpleUploadedFile("providers.csv", (DEMO_DATA / "providers.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agency:setup-import", args=["providers"]),
                               {"file": upload, "idempotency_key": uuid.uuid4()})
    page = client.get(response["Location"]).content.decode()
    assert "文件与现有数据一致，无需应用" in page and 'name="check_job"' not in page
    assert not ImportJob.objects.get().file
