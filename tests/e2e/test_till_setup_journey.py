"""The till's set-up through the browser, on a 375 px phone: a county admin imports the providers (checked,
then applied), adds a slab commission plan after trying it on an amount, adds an electricity product on it,
schedules new terms from tomorrow, and the plan's calculator gives the split the till would post."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agency.models import CommissionPlan, Product, Provider
from tests.e2e.helpers import assert_fits, assert_ok, click_and_wait, path_of

pytestmark = pytest.mark.e2e

PROVIDERS_CSV = Path(__file__).resolve().parents[2] / "demo" / "data" / "providers.csv"


def test_a_county_admin_sets_up_the_till_on_a_phone(page, shot, sign_in, county_admin, private_files):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(county_admin)
    assert_ok(page.goto("/county/"), "the county home")
    click_and_wait(page, page.get_by_role("link", name="代收代付设置", exact=True), "the till set-up")
    shot("01-set-up")
    assert_fits(page)

    # --- providers from the demo's file: checked, then applied ------------------------------------------------
    assert_ok(page.goto("/county/till-setup/import/providers/"), "the providers' import")
    page.locator("input[name='file']").set_input_files(str(PROVIDERS_CSV))
    click_and_wait(page, page.locator("form[enctype] button[type='submit']"), "the check")
    expect(page.locator("[data-import-result='check']")).to_be_visible()
    shot("02-checked")
    assert_fits(page)
    assert not Provider.objects.exists()
    click_and_wait(page, page.locator("[data-import-result='check'] form button"), "applying the file")
    expect(page.locator("[data-import-result='applied']")).to_be_visible()
    assert Provider.objects.filter(code="state-grid").exists()

    # --- a slab plan, tried before it is saved -------------------------------------------------------------------
    assert_ok(page.goto("/county/till-setup/plans/new/"), "the new plan form")
    page.locator("input[name='code']").fill("utility-slabs")
    page.locator("input[name='name']").fill("水电费 阶梯佣金")
    page.locator("input[name='effective_from']").fill("2025-01-01")
    page.locator("input[name='method'][value='slabs']").check()
    page.locator("textarea[name='slabs']").fill("100:0:0.30\n500:0:0.60\n以上:0.2:0")
    page.locator("input[name='max']").fill("5")
    for name, value in (("share_operator", "70"), ("share_township", "10"), ("share_county", "10"),
                        ("share_platform", "10"), ("tax_rate", "3")):
        page.locator(f"input[name='{name}']").fill(value)
    page.locator("input[name='try_amount']").fill("1000")
    click_and_wait(page, page.locator("button[value='try']"), "trying the terms")
    expect(page.locator("[data-commission]")).to_contain_text("¥2.00")
    shot("03-tried")
    assert_fits(page)
    assert not CommissionPlan.objects.exists()
    click_and_wait(page, page.locator("button[value='save']"), "saving the plan")
    plan = CommissionPlan.objects.get(code="utility-slabs")
    assert path_of(page) == f"/county/till-setup/plans/{plan.pk}/"

    # --- an electricity product on the plan --------------------------------------------------------------------
    assert_ok(page.goto("/county/till-setup/products/new/"), "the new product form")
    page.locator("input[name='code']").fill("sgcc-electricity")
    page.locator("input[name='name']").fill("电费缴纳")
    page.locator("select[name='provider']").select_option(label="国网河北省电力有限公司")
    page.locator("select[name='kind']").select_option("electricity")
    page.locator("select[name='commission_plan']").select_option(label="水电费 阶梯佣金")
    page.locator("input[name='account_label']").fill("户号")
    page.locator("input[name='account_min_length']").fill("10")
    page.locator("input[name='account_max_length']").fill("10")
    page.locator("input[name='amount_max']").fill("5000")
    shot("04-product")
    click_and_wait(page, page.locator("form[data-once] button[type='submit']"), "saving the product")
    assert Product.objects.get(code="sgcc-electricity").commission_plan == plan
    assert_fits(page)

    # --- new terms from tomorrow; the calculator --------------------------------------------------------------
    assert_ok(page.goto(f"/county/till-setup/plans/{plan.pk}/versions/new/"), "the new terms form")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.locator("input[name='effective_from']").fill(tomorrow.isoformat())
    page.locator("input[name='share_operator']").fill("80")
    page.locator("input[name='share_platform']").fill("0")
    click_and_wait(page, page.locator("button[value='save']"), "saving the new terms")
    expect(page.locator("[data-version-state='scheduled']")).to_have_count(1)
    expect(page.locator("[data-version-state='in_force']")).to_have_count(1)
    page.locator("input[name='amount']").fill("300")
    click_and_wait(page, page.locator("form[method='get'] button"), "the calculator")
    expect(page.locator("[data-commission]")).to_contain_text("¥0.60")
    shot("05-plan")
    assert_fits(page)
