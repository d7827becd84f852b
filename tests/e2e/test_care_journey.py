"""医敬Town through the browser: a care operator takes a call for an elderly resident living alone (her
record opens at once by phone number), dispatches it to a pharmacy; the first pharmacy declines on its
phone, the second accepts on a 375 px phone, arrives and completes within its terms; the operator records
the resident's rating, and the county's subsidy is owed to the pharmacy in the ledger; when the month has
ended a county admin makes the responders' statements, which include the subsidy, a second approves it and
records the payment. Also: the grid liaison takes a call on a phone at the counter and rates it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from agency.models import Journal, LedgerEntry, PayeeStatement
from care.models import CareCall, CareOffer
from care.notifications import offer_url
from care.services import calls as services
from core.models import SmsOutboxMessage
from core.timeutil import month_start
from stations.models import StaffAssignment
from tests.care.world import care_world
from tests.clock import clock_at
from tests.e2e.helpers import assert_fits, assert_ok, click_and_wait, path_of
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 800}


def _link(offer: CareOffer) -> str:
    return offer_url(offer).split("cunzhan.test", 1)[1]


def test_a_care_call_from_intake_to_the_residents_rating(page, browser, live_server, shot, sign_in, artifacts_dir):
    world = care_world()
    landing = sign_in(world["operator"])
    assert path_of(page) == "/care/", landing.url

    # --- Intake: the caller's number opens her record ---------------------------------------------------
    page.locator("input[name='phone']").fill("13812345678")
    click_and_wait(page, page.locator("form[role='search'] [type='submit']"), "the intake")
    expect(page.locator("h1")).to_contain_text("王秀兰")
    expect(page.locator(".cz-facts")).to_contain_text("13912345678")  # her son, in full (audited)
    page.locator("select[name='service']").select_option("medicine")
    page.locator("textarea[name='description']").fill("降压药吃完了，请送一盒硝苯地平")
    shot("02-intake")
    click_and_wait(page, page.get_by_role("button", name="接听登记"), "the call")
    call = CareCall.objects.get()
    assert path_of(page) == f"/care/calls/{call.pk}/"
    expect(page.locator("#dispatch-title")).to_be_visible()
    shot("03-call-taken")

    # --- Dispatch: offered to the first pharmacy (by name: both idle) ---------------------------------------
    click_and_wait(page, page.locator(f"form[action='/care/calls/{call.pk}/dispatch/'] button"), "the dispatch")
    first = CareOffer.objects.get(call=call, position=1)
    assert first.responder == world["first"]
    assert SmsOutboxMessage.objects.filter(purpose="care_offer", phone=world["first"].phone).exists()
    shot("04-offered")

    # --- The first pharmacy declines on its phone ----------------------------------------------------------
    phone_context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                        viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    assert_ok(phone.goto(_link(first)), "the first offer")
    expect(phone.locator("h1")).to_contain_text("送药上门")
    phone.screenshot(path=str(artifacts_dir / "care-journey-05-first-offer-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="不接").click()
    first.refresh_from_db()
    assert first.status == CareOffer.Status.DECLINED

    # --- The second accepts, arrives and completes on a 375 px phone -------------------------------------------
    second = CareOffer.objects.get(call=call, position=2)
    assert second.responder == world["second"]
    assert_ok(phone.goto(_link(second)), "the second offer")
    expect(phone.locator(".cz-facts")).not_to_contain_text("13812345678")  # not before accepting
    assert_fits(phone)
    phone.screenshot(path=str(artifacts_dir / "care-journey-06-second-offer-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="接单，我去").click()
    expect(phone.locator(".cz-facts")).to_contain_text("13812345678")
    expect(phone.locator(".cz-facts")).to_contain_text(world["household"].house_number)
    phone.screenshot(path=str(artifacts_dir / "care-journey-07-accepted-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="已到门口").click()
    phone.locator("textarea[name='note']").fill("药已送到，说明了用法")
    phone.locator("input[name='amount']").fill("18.50")
    assert_fits(phone)
    phone.screenshot(path=str(artifacts_dir / "care-journey-08-complete-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="服务完成").click()
    expect(phone.locator(".care-status")).to_have_attribute("data-status", "completed")
    phone.screenshot(path=str(artifacts_dir / "care-journey-09-done-phone.png"), full_page=True)
    phone_context.close()
    call.refresh_from_db()
    assert (call.status, call.responder, call.amount_fen) == (CareCall.Status.COMPLETED, world["second"], 1850)

    # --- The operator records the resident's rating ------------------------------------------------------------
    assert_ok(page.goto(f"/care/calls/{call.pk}/"), "the call again")
    page.locator("input[name='rating'][value='5']").check()
    page.locator("input[name='note']").fill("很及时")
    shot("10-rate")
    click_and_wait(page, page.locator(f"form[action='/care/calls/{call.pk}/confirm/'] button"), "the rating")
    expect(page.locator("[data-rating]")).to_contain_text("5/5")
    shot("11-confirmed")
    call.refresh_from_db()
    assert (call.status, call.rating) == (CareCall.Status.CONFIRMED, 5)
    # The county's subsidy for the service is owed to the second pharmacy in agency's ledger, for its month's
    # statement (a month is settled once it has ended: tests/care/test_settlement.py).
    owed = LedgerEntry.objects.get(journal__kind=Journal.Kind.SERVICE, account__code=f"payee:care:{world['second'].pk}")
    assert owed.amount_fen == -world["second"].subsidy_fen and call.reference in owed.journal.memo

    # --- The month has ended: its statements, made by one county admin and approved by another --------------
    checker = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=checker, region=world["county"], role=StaffAssignment.Role.COUNTY_ADMIN,
                           started_on=world["county_admin"].staff_assignments.get().started_on)
    second_of_next_month = month_start(timezone.localdate(), 1) + timedelta(days=1)
    with clock_at(datetime.combine(second_of_next_month, time(10), tzinfo=ZoneInfo("Asia/Shanghai"))):
        _settle_the_month(page, sign_in, shot, world, checker)


def _settle_the_month(page, sign_in, shot, world, checker) -> None:
    page.context.clear_cookies()
    sign_in(world["county_admin"], step="12-sign-in-maker")
    assert_ok(page.goto("/care/settlements/"), "the settlement")
    click_and_wait(page, page.get_by_role("button", name="生成本月结算单"), "the statements")
    statement = PayeeStatement.objects.get()  # the first pharmacy served nothing: no statement
    assert (statement.payee_code, statement.service_count, statement.total_fen) == (
        f"care:{world['second'].pk}", 1, world["second"].subsidy_fen)
    expect(page.locator("tbody")).to_contain_text(world["second"].name)
    shot("13-statements")
    page.get_by_role("link", name=world["second"].name).click()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(world["second"].subsidy_fen))
    expect(page.get_by_role("button", name="审核通过（复核人）")).to_have_count(0)  # not their own
    expect(page.locator("[data-checker-needed]")).to_be_visible()
    shot("14-statement-maker")

    page.context.clear_cookies()
    sign_in(checker, step="15-sign-in-checker")
    assert_ok(page.goto(f"/care/settlements/{statement.pk}/"), "the statement")
    click_and_wait(page, page.get_by_role("button", name="审核通过（复核人）"), "the approval")
    expect(page.locator(".care-status")).to_have_attribute("data-status", "approved")
    page.locator("input[name='payment_reference']").fill("BANK-2026-0001")
    click_and_wait(page, page.get_by_role("button", name="登记付款"), "the payment")
    expect(page.locator(".care-status")).to_have_attribute("data-status", "paid")
    shot("16-statement-paid")
    statement.refresh_from_db()
    assert (statement.generated_by, statement.approved_by, statement.paid_by) == (
        world["county_admin"], checker, checker)


def test_the_liaison_takes_a_call_on_a_phone_and_rates_it_for_the_resident(page, shot, sign_in):
    """The grid liaison, on a 375 px phone at the counter: the caller's number opens her record, the call goes
    to the best pharmacy at once; once served, the liaison records her rating."""
    world = care_world()
    page.set_viewport_size(PHONE)
    sign_in(world["liaison"], step="l01-sign-in")
    assert_ok(page.goto("/counter/"), "the counter")
    click_and_wait(page, page.locator("a[href='/counter/care/']"), "the care page")
    page.locator("input[name='phone']").fill("13812345678")
    click_and_wait(page, page.locator("form[role='search'] [type='submit']"), "the intake")
    expect(page.locator("h1")).to_contain_text("王秀兰")
    page.locator("input[name='urgency'][value='urgent']").check()
    page.locator("textarea[name='description']").fill("头晕，家里的药没了")
    assert_fits(page)
    shot("l02-intake")
    click_and_wait(page, page.get_by_role("button", name="接听登记"), "the call")
    call = CareCall.objects.get()
    assert (call.channel, call.status, call.taken_by) == ("liaison", CareCall.Status.OFFERED, world["liaison"])
    expect(page.locator(".care-emergency")).to_be_visible()
    assert_fits(page)
    shot("l03-offered")

    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="药已送到", amount_fen=0)
    assert_ok(page.reload(), "the call served")
    page.locator("input[name='rating'][value='5']").check()
    click_and_wait(page, page.get_by_role("button", name="记录评价"), "the rating")
    expect(page.locator("[data-rating]")).to_contain_text("5/5")
    assert_fits(page)
    shot("l04-rated")
    assert CareCall.objects.get().rating == 5


def test_a_county_admin_sets_up_care_from_the_screens_on_a_phone(page, shot, sign_in, county_admin, tree):
    """From an empty care registry: the county admin contracts a pharmacy, registers an elderly resident
    living alone and looks over the desk, the map, the figures, the desk staff and the settlement — on a
    375 px phone."""
    from care.models import CareResident, Responder
    from tests.factories import GridFactory, HouseholdFactory, StationFactory

    village = tree["villages"][0]
    station = StationFactory(village=village, name="城关村综合服务站")
    household = HouseholdFactory(grid=GridFactory(station=station, name="第一网格"), house_number="一-009",
                                 elderly_alone=True)
    page.set_viewport_size(PHONE)
    sign_in(county_admin, step="s01-sign-in")

    assert_ok(page.goto("/care/responders/new/"), "the responder form")
    page.locator("select[name='region']").select_option(str(tree["county"].pk))
    page.locator("input[name='name']").fill("康宁大药房")
    page.locator("select[name='kind']").select_option("pharmacy")
    page.locator("input[name='services'][value='medicine']").check()
    page.locator(f"input[name='villages'][value='{village.pk}']").check()
    page.locator("input[name='opens_at']").fill("08:00")
    page.locator("input[name='closes_at']").fill("20:00")
    page.locator("input[name='capacity']").fill("3")
    page.locator("textarea[name='terms']").fill("送药上门，药价按店内标价")
    page.locator("input[name='max_charge_fen']").fill("30")
    page.locator("input[name='subsidy_fen']").fill("10")
    page.locator("input[name='contact_name']").fill("张店长")
    page.locator("input[name='phone']").fill("13712000001")
    page.locator("input[name='contract_starts_on']").fill("2026-01-01")
    page.locator("input[name='contract_ends_on']").fill("2027-12-31")
    assert_fits(page)
    shot("s02-responder-form")
    click_and_wait(page, page.locator("form.cz-card button[type='submit']"), "the responder")
    responder = Responder.objects.get()
    assert path_of(page) == f"/care/responders/{responder.pk}/" and responder.subsidy_fen == 1000
    assert_fits(page)
    shot("s03-responder")

    assert_ok(page.goto("/care/residents/new/"), "the resident form")
    page.locator("select[name='household']").select_option(str(household.pk))
    page.locator("input[name='name']").fill("朱春生")
    page.locator("input[name='phone']").fill("13932606267")
    page.locator("input[name='needs'][value='hearing']").check()
    page.locator("input[name='needs_consent_on']").fill("2026-12-01")
    page.locator("input[name='contact1_name']").fill("朱小红")
    page.locator("input[name='contact1_relation']").fill("女儿")
    page.locator("input[name='contact1_phone']").fill("13935100001")
    assert_fits(page)
    click_and_wait(page, page.locator("form.cz-card button[type='submit']"), "the resident")
    resident = CareResident.objects.get()
    assert path_of(page) == f"/care/residents/{resident.pk}/" and resident.contacts.count() == 1
    assert_fits(page)
    shot("s04-resident")

    for step, url in (("s05-desk", "/care/"), ("s06-residents", "/care/residents/"), ("s07-map", "/care/map/"),
                      ("s08-figures", "/county/reports/care/"), ("s09-desk-staff", "/care/desks/"),
                      ("s10-settlements", "/care/settlements/"), ("s11-responders", "/care/responders/")):
        assert_ok(page.goto(url), url)
        assert_fits(page)
        shot(step)
