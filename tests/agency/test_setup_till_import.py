"""Setting up the till from spreadsheets: the demo files, re-imports, checks, refused rows, plan versions by
file, check jobs and exported sheets."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agency import selectors_setup
from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services import setup, setup_import
from agency.services.setup_import_sheets import SHEETS
from core.models import AuditEvent
from core.spreadsheets import to_csv
from tests.agency.till_setup import (
    DEMO_DATA,
    PLAN_ROWS,
    PRODUCT_ROWS,
    PROVIDER_ROWS,
    import_demo_files,
    import_file,
    today,
)

pytestmark = pytest.mark.django_db

SHARES = {"share_operator_bp": 7000, "share_township_bp": 1000, "share_county_bp": 1000, "share_platform_bp": 1000,
          "tax_rate_bp": 300}


# --- spreadsheet imports -----------------------------------------------------------------------------------


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
