"""Setting up the till on the pages: who reads and who changes, the provider, product and plan forms, the
import and export pages, and the queries the lists cost."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agency.models import CommissionPlan, Product, Provider
from agency.services import setup
from core.models import ImportJob
from tests.agency.factories import (
    CommissionPlanVersionFactory,
    ProductFactory,
    ProviderFactory,
)
from tests.agency.till_setup import (
    DEMO_DATA,
    PROVIDER_ROWS,
    TERMS,
    import_file,
    today,
)

pytestmark = pytest.mark.django_db


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
