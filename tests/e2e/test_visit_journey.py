"""A visit through the browser: the operator finds a resident who has a parcel waiting and a request
returned for a supplement, starts a visit, hands in the supplement, files a new application with a fee,
pays the electricity bill and hands over the parcel, takes the cash and prints one receipt whose total
is the cash drawn; the day's close counts it once. Screens at desktop width and at 375 px."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from agency import services as till
from agency.models import Visit
from gov_services.requests import services as request_services
from shop.services import orders as shop_services
from tests.agency.factories import ProductFactory, account_number, fund
from tests.e2e.helpers import click_and_wait, path_of, sign_on_pad
from tests.factories import RequiredMaterialFactory, ServiceItemFactory, png_bytes, upload, valid_id_number
from tests.shop import factories as shop_factories

pytestmark = pytest.mark.e2e

NAME, PHONE = "刘桂兰", "13911112222"
ACCOUNT = account_number(42)


@pytest.fixture
def world(station, operator, officer, department, tree, private_files):
    """The resident's returned request, her parcel waiting (cash on pick-up, 80 yuan), a fee-bearing item
    (20 yuan) and the electricity bill with a funded float."""
    old_item = ServiceItemFactory(department=department, code="HJ-E2E-02", name="户籍证明", lowest_level="village",
                                  form_schema=[])
    material = RequiredMaterialFactory(item=old_item, name="身份证", form="scan", required=True, position=1)
    returned = request_services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=old_item, applicant_name=NAME,
        applicant_id_number=valid_id_number(3), applicant_phone=PHONE, consent="witnessed", channel="counter",
        station=station, form_data={}, attachments=[upload("id.png", png_bytes((200, 120)), material)])
    request_services.service_request_return(request=returned, actor=officer, note="请补交户口簿首页")
    fee_item = ServiceItemFactory(department=department, code="SY-E2E-01", name="生育登记", lowest_level="village",
                                  fee_fen=2_000, form_schema=[])
    fee_material = RequiredMaterialFactory(item=fee_item, name="身份证", form="scan", required=True, position=1)
    merchant = shop_factories.merchant(name="甲商户", townships=[tree["townships"][0]])
    merchant_user = merchant.partner.users.get()
    goods = shop_factories.product(merchant.partner, title="电热水壶", price="80.00")
    part = shop_factories.order((goods, 1), station=station, phone=PHONE).parts.get()
    for user, status in ((merchant_user, "confirmed"), (merchant_user, "sent"), (operator, "ready")):
        part = shop_services.order_part_move(user=user, part_id=part.pk, to_status=status)
    product = ProductFactory(name="电费缴纳", provider__name="国网河北省电力有限公司", provider__code="state-grid")
    fund(station, product.provider.float_group, 200_000)
    return {"returned": returned, "fee_item": fee_item, "fee_material": fee_material, "parcel": part,
            "product": product}


def test_one_visit_many_errands_one_receipt_whose_total_is_the_cash(page, shot, sign_in, operator, station, world,
                                                                     tmp_path):
    scan = tmp_path / "id.png"
    scan.write_bytes(png_bytes((200, 120)))
    cash_before = till.expected_cash_fen(station)
    sign_in(operator, step="01-sign-in")

    # --- Find the resident by phone; start the visit -----------------------------------------------
    click_and_wait(page, page.locator("a.cz-entry[href='/counter/visits/']"), "the visit screen")
    page.locator("input[name='q']").fill(PHONE)
    click_and_wait(page, page.locator("form[role='search'] button[type='submit']"), "the search")
    expect(page.locator("#visit-candidates")).to_contain_text(NAME)
    shot("02-found")
    click_and_wait(page, page.locator("#visit-candidates button[type='submit']").first, "the visit")
    visit = Visit.objects.get()
    here = f"/counter/visits/{visit.pk}/"
    assert path_of(page) == here
    expect(page.locator("#visit-requests")).to_contain_text("请补交户口簿首页")
    expect(page.locator("#visit-parcels")).to_contain_text(world["parcel"].reference)
    shot("03-visit")
    page.set_viewport_size({"width": 375, "height": 800})
    shot("03-visit-375px")
    page.set_viewport_size({"width": 1280, "height": 800})

    # --- The supplement for the returned request ----------------------------------------------------
    click_and_wait(page, page.locator("[data-supplement-link]").first, "the returned request")
    page.locator("textarea[name='note'], input[name='note']").first.fill("补交了户口簿首页")
    click_and_wait(page, page.locator("form[action$='/supplement/'] button[type='submit']"), "the supplement")
    assert path_of(page) == here, page.url

    # --- A new application with a fee ---------------------------------------------------------------
    click_and_wait(page, page.locator("#add-application"), "the item search")
    page.locator("input[name='q']").fill("SY-E2E")
    click_and_wait(page, page.locator("form[role='search'] button[type='submit']"), "the search")
    click_and_wait(page, page.locator(f"a[href*='/counter/requests/new/{world['fee_item'].pk}/']").first, "the application")
    form = page.locator("form[enctype='multipart/form-data']:has(input[name='idempotency_key'])")
    expect(form.locator("input[name='applicant_phone']")).to_have_value(PHONE)  # from the visit
    form.locator("input[name='applicant_id_number']").fill(valid_id_number(3))
    form.locator(f"input[type='file'][name='material-{world['fee_material'].pk}']").set_input_files(str(scan))
    form.locator("input[name='consent'][value='signature']").check()
    sign_on_pad(page)
    shot("04-application")
    click_and_wait(page, form.locator("button[type='submit']:not([formaction])"), "filing")
    assert path_of(page) == here, f"not back at the visit: {page.url} {page.locator('.cz-error').all_inner_texts()}"

    # --- The electricity bill -----------------------------------------------------------------------
    click_and_wait(page, page.locator("#add-bill"), "the product picker")
    click_and_wait(page, page.locator(f"a[href^='/counter/till/pay/{world['product'].pk}/']"), "the payment form")
    page.locator("input[name='account_number']").fill(ACCOUNT)
    page.locator("input[name='amount']").fill("123.45")
    page.locator("input[name='payment_method'][value='cash']").check()
    click_and_wait(page, page.locator("#review-payment"), "the confirmation")
    click_and_wait(page, page.locator("#confirm-pay"), "paying")
    assert path_of(page) == here, page.url

    # --- The parcel, from the visit screen ----------------------------------------------------------
    page.locator(f"#code-{world['parcel'].pk}").fill(world["parcel"].pickup_code)
    click_and_wait(page, page.locator("#visit-parcels button[type='submit']"), "the hand-over")
    expect(page.locator("#visit-errands")).to_contain_text(world["parcel"].reference)
    kinds = list(visit.errands.values_list("kind", flat=True))
    assert sorted(kinds) == ["application", "bill", "gov_fee", "parcel", "supplement"], kinds
    due_text = page.locator("#visit-cash-due").inner_text()
    shot("05-errands")

    # --- Take the cash, print one receipt -----------------------------------------------------------
    due = till.visit_cash_due_fen(visit)
    assert due == till.expected_cash_fen(station) - cash_before, "the visit's cash is not the drawer's"
    assert f"{due / 100:,.2f}" in due_text
    page.locator("input[name='cash_received']").fill("300")
    click_and_wait(page, page.locator("#close-visit"), "closing")
    expect(page.locator("#visit-change")).to_contain_text(f"{(30_000 - due) / 100:,.2f}")
    page.locator("input[name='paper'][value='80']").check()
    click_and_wait(page, page.locator("#print-receipt"), "the receipt")
    slip = page.locator("article.slip")
    expect(slip).to_contain_text(f"{due / 100:,.2f}")
    expect(page.locator("#receipt-total")).to_contain_text(f"{due / 100:,.2f}")
    expect(page.locator("#receipt-change")).to_contain_text(f"{(30_000 - due) / 100:,.2f}")
    expect(slip.locator("img[src^='data:image/svg+xml']")).to_have_count(2)  # the new request and the supplement
    expect(page.locator("#reprint-mark")).to_have_count(0)
    shot("06-receipt")
    page.set_viewport_size({"width": 375, "height": 800})
    shot("06-receipt-375px")
    page.set_viewport_size({"width": 1280, "height": 800})
    click_and_wait(page, page.locator(f".toolbar a[href='{here}']"), "back to the visit")
    page.locator("input[name='paper'][value='58']").check()
    click_and_wait(page, page.locator("#print-receipt"), "the reprint")
    expect(page.locator("#reprint-mark")).to_contain_text("REPRINT")
    assert re.search(r"size:\s*58mm", page.content())
    shot("07-reprint")

    # --- The day's close counts the visit's cash once -----------------------------------------------
    close = till.daily_cash_close_submit(actor=operator, station=station, counted_fen=cash_before + due,
                                         idempotency_key=uuid.uuid4())
    assert close.variance_fen == 0 and close.status == "balanced"
