"""The till's counter pages over HTTP: each flow asserting the response and the database."""

import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from agency import services
from agency.models import CommissionStatement, CounterTransaction, DailyCashClose, FloatTopUpRequest, Journal
from core.models import AuditEvent
from core.money import yuan_plain
from core.timeutil import last_full_month
from tests.agency.factories import ProductFactory, account_number, key, last_month_moment, posting_at
from tests.clock import clock_at
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CounterTransaction.Status


def pay_url(product):
    return reverse("agency:payment-create", args=[product.pk])


def payment_data(step="pay", k=None, number=None, amount="123.45", method="cash", name=""):
    return {"step": step, "idempotency_key": str(k or uuid.uuid4()), "account_number": number or account_number(1),
            "amount": amount, "payment_method": method, "customer_name": name}


def other_operator(other_station):
    user = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=user, role="operator", station=other_station)
    return user


def paid(operator, station, product, amount=10_000, number=None):
    return services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=number or account_number(1), amount_fen=amount,
                                           idempotency_key=key())


# --- the till ------------------------------------------------------------------------------------

def test_the_till_shows_todays_payments_the_floats_with_a_low_warning_and_this_months_commission(
        client, operator, station, product, funded):
    tx = paid(operator, station, product, amount=60_000)  # leaves 400 yuan: below the 500 yuan warning
    client.force_login(operator)
    response = client.get(reverse("agency:till"))
    assert response.status_code == 200
    content = response.content.decode()
    assert tx.reference in content and "¥600.00" in content  # today's payment, and cash expected
    assert response.context["low_floats"] == [funded] and "cz-float--low" in content
    assert response.context["summary"]["commission_this_month_fen"] > 0


def test_a_liaison_or_a_resident_cannot_open_the_till(client, liaison, resident):
    for user in (liaison, resident):
        client.force_login(user)
        assert client.get(reverse("agency:till")).status_code == 403


def test_the_product_picker_groups_products_by_provider(client, operator, product):
    second = ProductFactory(provider=product.provider, name="水费")
    client.force_login(operator)
    response = client.get(reverse("agency:product-pick"))
    assert response.status_code == 200
    [(provider, products)] = response.context["groups"]
    assert provider == product.provider and set(products) == {product, second}


# --- paying ---------------------------------------------------------------------------------------

def test_the_payment_views_run_outside_the_request_transaction():
    for name, args in (("agency:payment-create", [1]), ("agency:transaction-resolve", [1])):
        assert "default" in resolve(reverse(name, args=args)).func._non_atomic_requests


def test_look_up_fills_in_the_holder_and_the_amount_due(client, operator, product, funded):
    client.force_login(operator)
    response = client.post(pay_url(product), payment_data(step="lookup", amount=""))
    assert response.status_code == 200
    lookup = response.context["lookup"]
    assert lookup.customer_name and "*" in lookup.customer_name
    assert response.context["form"]["amount"].value() == yuan_plain(lookup.amount_due_fen)
    assert not CounterTransaction.objects.exists()


def test_a_cash_payment_is_reviewed_with_the_resident_then_paid_and_shown_as_succeeded(
        client, operator, station, product, funded):
    client.force_login(operator)
    k = uuid.uuid4()
    review = client.post(pay_url(product), payment_data(step="review", k=k))
    assert review.status_code == 200
    assert review.templates[0].name == "agency/payment_confirm.html"
    assert review.context["total_fen"] == 12345 and review.context["lookup"].customer_name
    assert not CounterTransaction.objects.exists()  # nothing happens before the confirmation
    raw = review.context["raw"]
    response = client.post(pay_url(product), {**raw, "step": "pay"})
    tx = CounterTransaction.objects.get()
    assert response.status_code == 302 and response.url == reverse("agency:transaction-detail", args=[tx.pk])
    assert (tx.status, tx.amount_fen, tx.idempotency_key, tx.station) == (Status.SUCCEEDED, 12345, k, station)
    assert tx.customer_name == raw["customer_name"] and tx.created_by == operator
    page = client.get(response.url)
    assert page.status_code == 200 and 'data-status="succeeded"' in page.content.decode()


def test_a_double_click_or_a_resend_records_one_payment(client, operator, product, funded):
    client.force_login(operator)
    data = payment_data(k=uuid.uuid4())
    first = client.post(pay_url(product), data)
    second = client.post(pay_url(product), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert CounterTransaction.objects.count() == 1
    assert Journal.objects.filter(kind="payment").count() == 1


def test_the_same_key_with_other_content_is_refused_and_a_fresh_form_offered(client, operator, product, funded):
    client.force_login(operator)
    k = uuid.uuid4()
    client.post(pay_url(product), payment_data(k=k, amount="100"))
    response = client.post(pay_url(product), payment_data(k=k, amount="200"))
    assert response.status_code == 400
    assert response.context["form"].idempotency_conflict
    assert f'href="{pay_url(product)}"' in response.content.decode()  # a fresh form, with a new key
    assert CounterTransaction.objects.get().amount_fen == 10_000


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(client, operator, product, funded):
    client.force_login(operator)
    response = client.post(pay_url(product), payment_data(step="review", number="12345", amount="0.001"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "amount" in errors  # three decimals: the form's own check
    response = client.post(pay_url(product), payment_data(step="review", number="12345", amount="99999"))
    errors = response.context["form"].errors
    assert "account_number" in errors and "amount" in errors  # the service's checks, beside their fields
    assert not CounterTransaction.objects.exists()


def test_a_payment_beyond_the_float_is_refused_on_the_amount(client, operator, product, funded):
    client.force_login(operator)
    response = client.post(pay_url(product), payment_data(amount="1500"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["amount"]  # 1,500 yuan is within the product's limits
    assert not CounterTransaction.objects.exists()


def test_card_is_offered_only_where_a_card_terminal_is_configured(client, operator, product, funded, settings):
    client.force_login(operator)
    settings.AGENCY_CARD_TERMINAL, settings.WALLET_SIMULATORS = "", False  # no wallets either
    choices = client.get(pay_url(product)).context["form"].fields["payment_method"].choices
    assert [value for value, _label in choices] == ["cash"]
    settings.AGENCY_CARD_TERMINAL = "simulator"
    choices = client.get(pay_url(product)).context["form"].fields["payment_method"].choices
    assert [value for value, _label in choices] == ["cash", "card"]


def test_wallets_are_offered_after_cash_and_card_where_they_are_configured(client, operator, product, funded,
                                                                           settings):
    client.force_login(operator)
    settings.ENABLE_SIMULATORS = settings.WALLET_SIMULATORS = True
    settings.WECHATPAY_MCHID = settings.ALIPAY_APPID = ""
    form = client.get(pay_url(product)).context["form"]
    assert [value for value, _label in form.fields["payment_method"].choices] == ["cash", "card", "wechat", "alipay"]
    assert form.fields["payment_method"].initial == "cash"


def test_a_declined_payment_shows_the_reason(client, operator, station, funded):
    product = ProductFactory(account_check_digit="none")  # the same (utilities) float as `funded`
    client.force_login(operator)
    response = client.post(pay_url(product), payment_data(number="1234560000"))
    tx = CounterTransaction.objects.get()
    assert tx.status == Status.FAILED and tx.failure_reason
    page = client.get(response.url).content.decode()
    assert 'data-status="failed"' in page and tx.failure_reason in page


def test_an_unknown_payment_offers_a_status_check_that_settles_it(client, operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    client.force_login(operator)
    response = client.post(pay_url(product), payment_data(number="1234569999"))
    tx = CounterTransaction.objects.get()
    assert tx.status == Status.UNKNOWN
    assert reverse("agency:transaction-resolve", args=[tx.pk]) in client.get(response.url).content.decode()
    resolved = client.post(reverse("agency:transaction-resolve", args=[tx.pk]))
    assert resolved.status_code == 302
    tx.refresh_from_db()
    assert tx.status in (Status.SUCCEEDED, Status.FAILED)


# --- reversal ------------------------------------------------------------------------------------

def test_a_payment_is_reversed_within_its_window_with_a_reason(client, operator, station, product, funded):
    tx = paid(operator, station, product)
    client.force_login(operator)
    url = reverse("agency:transaction-reverse", args=[tx.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "reason" in refused.context["reverse_form"].errors
    response = client.post(url, {"reason": "户号输错"})
    assert response.status_code == 302
    tx.refresh_from_db()
    assert tx.status == Status.REVERSED and tx.reversal_reason == "户号输错" and tx.reversed_by == operator
    assert Journal.objects.filter(kind="reversal", reverses__counter_transaction=tx).count() == 1


def test_after_the_window_the_reversal_form_is_gone_and_a_post_is_refused(client, operator, station, product, funded):
    with clock_at(timezone.now() - timedelta(hours=2)):
        tx = paid(operator, station, product)
    client.force_login(operator)
    assert not client.get(reverse("agency:transaction-detail", args=[tx.pk])).context["may_reverse"]
    response = client.post(reverse("agency:transaction-reverse", args=[tx.pk]), {"reason": "晚了"})
    assert response.status_code == 400
    tx.refresh_from_db()
    assert tx.status == Status.SUCCEEDED


# --- receipts ------------------------------------------------------------------------------------

def test_receipt_prints_are_counted_and_a_reprint_says_so(client, operator, station, product, funded):
    tx = paid(operator, station, product)
    client.force_login(operator)
    url = reverse("agency:receipt-print", args=[tx.pk])
    k = uuid.uuid4()
    first = client.post(url, {"idempotency_key": str(k), "width": "58", "format": "html"})
    assert first.url == reverse("agency:receipt", args=[tx.pk, 1]) + "?width=58"
    original = client.get(first.url).content.decode()
    assert "58mm" in original and tx.reference in original and "REPRINT" not in original
    assert client.post(url, {"idempotency_key": str(k), "width": "58", "format": "html"}).url == first.url
    second = client.post(url, {"idempotency_key": str(uuid.uuid4()), "width": "80", "format": "html"})
    reprint = client.get(second.url).content.decode()
    assert second.url.startswith(reverse("agency:receipt", args=[tx.pk, 2]))
    assert "重打 · REPRINT" in reprint and "80mm" in reprint
    assert AuditEvent.objects.filter(action="agency.receipt.print").count() == 2
    assert client.get(reverse("agency:receipt", args=[tx.pk, 3])).status_code == 404  # never printed


def test_the_receipt_pdf_is_a_pdf_as_wide_as_the_roll(client, operator, station, product, funded):
    tx = paid(operator, station, product)
    client.force_login(operator)
    response = client.post(reverse("agency:receipt-print", args=[tx.pk]),
                           {"idempotency_key": str(uuid.uuid4()), "width": "58", "format": "pdf"})
    pdf = client.get(response.url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = PdfFileReader(io.BytesIO(pdf.content)).root["/Pages"]["/Kids"][0]
    assert round(float(page["/MediaBox"][2]) * 25.4 / 72) == 58  # points → mm: as wide as the roll


def test_a_failed_payment_has_no_receipt(client, operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = paid(operator, station, product, number="1234560000")
    client.force_login(operator)
    client.post(reverse("agency:receipt-print", args=[tx.pk]), {"idempotency_key": str(uuid.uuid4()), "width": "80"})
    assert not AuditEvent.objects.filter(action="agency.receipt.print").exists()


def test_an_operator_never_sees_another_stations_till_rows_or_receipts(client, operator, station, other_station,
                                                                       product, funded):
    tx = paid(operator, station, product)
    client.force_login(other_operator(other_station))
    assert tx.reference not in client.get(reverse("agency:till")).content.decode()
    assert tx.reference not in client.get(reverse("agency:transaction-list")).content.decode()
    for name, args in (("agency:transaction-detail", [tx.pk]), ("agency:receipt", [tx.pk, 1]),
                       ("agency:receipt-pdf", [tx.pk, 1])):
        assert client.get(reverse(name, args=args)).status_code == 404
    for name in ("agency:receipt-print", "agency:transaction-reverse", "agency:transaction-resolve"):
        assert client.post(reverse(name, args=[tx.pk]), {"reason": "x", "width": "80",
                                                          "idempotency_key": str(uuid.uuid4())}).status_code == 404
    tx.refresh_from_db()
    assert tx.status == Status.SUCCEEDED and not AuditEvent.objects.filter(action="agency.receipt.print").exists()


# --- floats ---------------------------------------------------------------------------------------

def test_a_top_up_request_is_sent_once_whatever_the_clicks(client, operator, station):
    client.force_login(operator)
    data = {"idempotency_key": str(uuid.uuid4()), "float_group": "telecom", "amount": "2,000",
            "bank_reference": "BK001", "note": ""}
    first = client.post(reverse("agency:counter-floats"), data)
    second = client.post(reverse("agency:counter-floats"), data)
    assert first.status_code == second.status_code == 302
    top_up = FloatTopUpRequest.objects.get()
    assert (top_up.station, top_up.amount_fen, top_up.status) == (station, 200_000, "requested")
    page = client.get(reverse("agency:counter-floats")).content.decode()
    assert top_up.reference in page


def test_a_top_up_without_an_amount_is_refused(client, operator):
    client.force_login(operator)
    response = client.post(reverse("agency:counter-floats"), {"idempotency_key": str(uuid.uuid4()),
                                                              "float_group": "telecom", "amount": "-5"})
    assert response.status_code == 400 and "amount" in response.context["form"].errors
    assert not FloatTopUpRequest.objects.exists()


# --- the daily close ------------------------------------------------------------------------------

def test_a_close_that_matches_the_ledger_is_final(client, operator, station, product, funded):
    paid(operator, station, product, amount=12_345)
    client.force_login(operator)
    page = client.get(reverse("agency:counter-close"))
    assert page.context["expected_fen"] == 12_345 and "¥123.45" in page.content.decode()
    response = client.post(reverse("agency:counter-close"), {"idempotency_key": str(uuid.uuid4()),
                                                             "counted": "123.45"})
    assert response.status_code == 302
    close = DailyCashClose.objects.get()
    assert (close.status, close.counted_fen, close.variance_fen) == ("balanced", 12_345, 0)
    assert client.get(reverse("agency:counter-close")).context["form"] is None  # closed for today


def test_a_variance_needs_an_explanation_and_then_waits_for_the_township(client, operator, station, product, funded):
    paid(operator, station, product, amount=10_000)
    client.force_login(operator)
    k = str(uuid.uuid4())
    response = client.post(reverse("agency:counter-close"), {"idempotency_key": k, "counted": "95"})
    assert response.status_code == 400 and "explanation" in response.context["form"].errors
    assert not DailyCashClose.objects.exists()
    response = client.post(reverse("agency:counter-close"), {"idempotency_key": k, "counted": "95",
                                                             "explanation": "找零多给了五元"})
    assert response.status_code == 302
    close = DailyCashClose.objects.get()
    assert (close.status, close.variance_fen) == ("awaiting_approval", -500)


# --- statements, read-only at the counter --------------------------------------------------------

def last_months_statement(operator, station, product, county_admin) -> CommissionStatement:
    with posting_at(last_month_moment()):
        paid(operator, station, product, amount=50_000)
    month = last_full_month()
    return services.commission_statement_generate(actor=county_admin, station=station, month=month)


def test_the_operator_reads_their_statements_without_actions(client, operator, station, product, funded,
                                                             county_admin, other_station):
    statement = last_months_statement(operator, station, product, county_admin)
    client.force_login(operator)
    listing = client.get(reverse("agency:counter-statements"))
    assert list(listing.context["statements"]) == [statement]
    detail = client.get(reverse("agency:counter-statement-detail", args=[statement.pk]))
    assert detail.status_code == 200
    assert not detail.context["may_approve"] and not detail.context["may_pay"]
    assert client.get(reverse("agency:counter-statement-csv", args=[statement.pk])).status_code == 200
    assert client.get(reverse("agency:counter-statement-pdf", args=[statement.pk])).status_code == 200
    assert client.post(reverse("agency:statement-approve", args=[statement.pk])).status_code == 403
    # The back office's copy of the file is not the counter's: 403, whoever's the statement.
    assert client.get(reverse("agency:statement-csv", args=[statement.pk])).status_code == 403
    client.force_login(other_operator(other_station))
    for name in ("agency:counter-statement-detail", "agency:counter-statement-csv"):
        assert client.get(reverse(name, args=[statement.pk])).status_code == 404


def test_the_till_and_the_transaction_list_cost_the_same_queries_however_many_payments(
        client, operator, station, product, funded):
    def till_queries() -> dict[str, int]:
        counts = {}
        for name in ("agency:till", "agency:transaction-list"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            counts[name] = sum('"agency_' in q["sql"] or '"stations_' in q["sql"] for q in queries)
        return counts

    client.force_login(operator)
    paid(operator, station, product)
    one = till_queries()
    for n in (2, 3, 4):
        paid(operator, station, product, number=account_number(n))
    assert till_queries() == one


def test_a_slips_reference_finds_its_transaction_on_any_day(client, operator, station, product, funded):
    operator.staff_assignments.update(started_on=timezone.localdate() - timedelta(days=60))
    with clock_at(timezone.now() - timedelta(days=40)):
        tx = paid(operator, station, product)
    paid(operator, station, product, number=account_number(2))
    client.force_login(operator)
    today = client.get(reverse("agency:transaction-list"))
    assert tx not in today.context["transactions"] and len(today.context["transactions"]) == 1
    found = client.get(reverse("agency:transaction-list"), {"reference": tx.reference.lower()})
    assert list(found.context["transactions"]) == [tx]


def test_id_numbers_and_bank_cards_are_masked_on_pages_and_slips(client, operator, station, funded):
    pension = ProductFactory(kind="pension", account_min_length=18, account_max_length=18,
                             account_digits_only=False, account_check_digit="none", lookup_supported=False)
    id_number = "13022519720421031X"
    tx = paid(operator, station, pension, amount=30_000, number=id_number)
    client.force_login(operator)
    printed = client.post(reverse("agency:receipt-print", args=[tx.pk]),
                          {"idempotency_key": str(uuid.uuid4()), "width": "80", "format": "html"})
    for url in (reverse("agency:till"), reverse("agency:transaction-detail", args=[tx.pk]), printed.url):
        content = client.get(url).content.decode()
        assert id_number not in content and "130225********031X" in content, url


def test_a_day_that_does_not_parse_is_reported_in_chinese_and_the_status_still_applies(
        client, operator, station, product, funded):
    tx = paid(operator, station, product)
    client.force_login(operator)
    response = client.get(reverse("agency:transaction-list"), {"on": "tomorrow", "status": tx.status})
    assert response.status_code == 200
    assert response.context["filter_form"].errors["on"] == ["输入一个有效的日期。"]
    assert list(response.context["transactions"]) == [tx]
    assert 'value="tomorrow"' in response.content.decode()
    other = "failed" if tx.status != "failed" else "succeeded"
    assert not client.get(reverse("agency:transaction-list"), {"status": other}).context["transactions"]
