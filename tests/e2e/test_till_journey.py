"""The till through the browser: an operator takes a resident's electricity bill in cash, prints the
receipt (and a reprint, which says so), and closes the day with a drawer that matches the ledger."""

import re

import pytest
from playwright.sync_api import expect

from agency.models import CounterTransaction, DailyCashClose
from core.models import AuditEvent
from tests.agency.factories import ProductFactory, account_number, fund
from tests.e2e.helpers import assert_ok, click_and_wait, path_of

pytestmark = pytest.mark.e2e

ACCOUNT = account_number(42)  # a valid 10-digit State Grid customer number (mod-10 check digit)


@pytest.fixture
def electricity(station):
    """State Grid's bill, 1–5,000 yuan, with the provider's account lookup; the station's float holds 2,000 yuan."""
    product = ProductFactory(name="电费缴纳", provider__name="国网河北省电力有限公司", provider__code="state-grid")
    fund(station, product.provider.float_group, 200_000)
    return product


def test_an_operator_takes_an_electricity_bill_in_cash_prints_the_receipt_and_closes_the_day(
    page, shot, sign_in, operator, station, electricity
):
    sign_in(operator, step="01-sign-in")
    assert path_of(page) == "/counter/", f"signed in, but landed on {page.url}"

    # --- The till, from the counter's tiles ------------------------------------------------------
    click_and_wait(page, page.locator("a.cz-entry[href='/counter/till/']"), "the till")
    shot("02-till")
    click_and_wait(page, page.locator("a[href='/counter/till/pay/']").first, "the product picker")
    click_and_wait(page, page.locator(f"a[href='/counter/till/pay/{electricity.pk}/']"), "the payment form")

    # --- Account, lookup, amount, cash -----------------------------------------------------------------
    page.locator("input[name='account_number']").fill(ACCOUNT)
    click_and_wait(page, page.locator("#lookup-account"), "the account lookup")
    expect(page.locator("#lookup-result")).to_contain_text("*")  # the holder's masked name
    amount = page.locator("input[name='amount']")
    expect(amount).not_to_have_value("")  # filled in with the amount due
    amount.fill("123.45")
    page.locator("input[name='payment_method'][value='cash']").check()
    shot("03-payment-form")
    click_and_wait(page, page.locator("#review-payment"), "the confirmation")
    expect(page.locator(".cz-error-summary")).to_have_count(0)
    expect(page.locator("#confirm-account")).to_have_text(ACCOUNT)
    expect(page.locator("#confirm-total")).to_have_text("¥123.45")
    shot("04-confirm")
    click_and_wait(page, page.locator("#confirm-pay"), "the result")
    expect(page.locator("h1[data-status='succeeded']")).to_be_visible()
    reference = page.locator("#tx-reference").inner_text().strip()
    assert re.fullmatch(r"AG\d{6}[2-9A-Z]{6}", reference), reference
    shot("05-result")

    # --- The receipt on a 58 mm roll, then a reprint ------------------------------------------------
    page.locator("input[name='width'][value='58']").check()
    click_and_wait(page, page.locator("#print-receipt"), "the receipt")
    expect(page.locator("article.slip")).to_contain_text(reference)
    expect(page.locator("article.slip")).to_contain_text("¥123.45")
    expect(page.locator("#reprint-mark")).to_have_count(0)
    assert "size: 58mm" in page.content()
    page.evaluate("window.print = function () { window.czPrinted = true; }")  # headless: no print dialog
    page.locator("#print-now").click()
    assert page.evaluate("window.czPrinted === true"), "the print button did not open the print dialog"
    shot("06-receipt")
    tx_path = f"/counter/till/transactions/{CounterTransaction.objects.get().pk}/"
    click_and_wait(page, page.locator(f".toolbar a[href='{tx_path}']"), "back to the transaction")
    click_and_wait(page, page.locator("#print-receipt"), "the reprint")
    expect(page.locator("#reprint-mark")).to_contain_text("REPRINT")
    shot("07-reprint")

    # --- The day's close -----------------------------------------------------------------------------
    assert_ok(page.goto("/counter/till/"), "the till again")
    expect(page.locator("main")).to_contain_text(reference)
    click_and_wait(page, page.locator("a[href='/counter/till/close/']").first, "the daily close")
    expect(page.locator("#expected-cash")).to_have_text("¥123.45")
    page.locator("input[name='counted']").fill("123.45")
    shot("08-close-form")
    click_and_wait(page, page.locator("#close-day"), "after closing")
    expect(page.locator(".cz-error-summary")).to_have_count(0)
    expect(page.locator("#close-result")).to_be_visible()
    shot("09-closed")

    # --- What was written ------------------------------------------------------------------------------
    tx = CounterTransaction.objects.get()
    assert (tx.reference, tx.status, tx.amount_fen, tx.payment_method) == (reference, "succeeded", 12_345, "cash")
    assert tx.station_id == station.pk and tx.created_by_id == operator.pk and tx.customer_name
    assert AuditEvent.objects.filter(action="agency.receipt.print").count() == 2
    close = DailyCashClose.objects.get()
    assert (close.station_id, close.expected_fen, close.counted_fen, close.status) == (station.pk, 12_345, 12_345,
                                                                                       "balanced")


def _card_payment(page, product, amount: str):
    """The payment form to the result page, paying `amount` by card on the (simulated) reader."""
    assert_ok(page.goto(f"/counter/till/pay/{product.pk}/"), "the payment form")
    page.locator("input[name='account_number']").fill(ACCOUNT)
    page.locator("input[name='amount']").fill(amount)
    page.locator("input[name='payment_method'][value='card']").check()
    click_and_wait(page, page.locator("#review-payment"), "the confirmation")
    expect(page.locator("#card-step")).to_be_visible()  # "present the card on the reader"
    click_and_wait(page, page.locator("#confirm-pay"), "the result")


def test_an_operator_takes_a_bill_by_card_and_a_declined_card_is_shown_as_such(
    page, shot, sign_in, operator, station, electricity
):
    sign_in(operator, step="10-sign-in")
    _card_payment(page, electricity, "88.00")
    shot("11-card-result")
    expect(page.locator("h1[data-status='succeeded']")).to_be_visible()
    paid = CounterTransaction.objects.get()
    expect(page.locator("#tx-paid-by")).to_contain_text(f"•••• {paid.card_last4}")
    page.locator("input[name='width'][value='80']").check()
    click_and_wait(page, page.locator("#print-receipt"), "the receipt")
    expect(page.locator("#receipt-paid-by")).to_contain_text(f"•••• {paid.card_last4}")

    _card_payment(page, electricity, "88.51")  # the simulated reader declines .51: insufficient funds
    shot("12-card-declined")
    expect(page.locator("h1[data-status='failed']")).to_be_visible()
    expect(page.locator("#card-result")).to_be_visible()
    declined = CounterTransaction.objects.exclude(pk=paid.pk).get()
    assert (declined.status, declined.card_status, declined.journals.count()) == ("failed", "declined", 0)
    assert (paid.status, paid.card_status, paid.payment_method) == ("succeeded", "charged", "card")
