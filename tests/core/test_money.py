"""core.money: one parser, one formatter, one form field — and every money field of the project refuses
hostile amounts with a message, through its form and through a page, never a server error."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_class, get_model

from agency.forms import CashCloseForm, PaymentForm, ThresholdForm, TopUpRequestForm
from agency.models import CounterTransaction, DailyCashClose, FloatTopUpRequest
from core.money import (
    MAX_YUAN_DIGITS,
    YuanField,
    fen_from_decimal,
    fen_of,
    format_signed_yuan,
    format_yuan,
    parse_yuan,
    yuan_decimal,
    yuan_plain,
)
from gov_services.catalogue.forms import ServiceItemForm
from gov_services.models import Department, ServiceItem
from shop.forms_delivery_fees import DeliveryFeeForm
from shop.models import DeliveryFee
from shop.product_io import parse_price
from tests.agency.factories import ProductFactory, fund
from tests.shop import factories as shop_factories

# Amounts a person (or a script) may type that are no amount of yuan at all.
HOSTILE = ["1e999999", "1E5", "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1_000", "0x10", "1.2.3", ".",
           "9" * 14, "9" * 5000, "1" + "0" * 13, "٣", "12.345", "1,00.001", "--1", "+-1", "¥", "元"]
TOO_MANY_DIGITS = "99999999999999999999999999"


@pytest.mark.parametrize(("text", "fen"), [
    ("123.45", 12345), ("1,234.5", 123450), ("¥12", 1200), ("￥12", 1200), ("0.1", 10), ("12元", 1200),
    (" 7.00 ", 700), ("1.230", 123), ("１２．５", 1250), ("１２.５", 1250), ("-0", 0), ("−12.00", -1200),
    ("+5", 500), (".5", 50), ("5.", 500), ("0012.50", 1250), ("9" * 13, int("9" * 13) * 100),
    ("\u00a012\u3000", 1200),
])
def test_yuan_typed_by_a_person_becomes_exact_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", HOSTILE)
def test_anything_that_is_not_plain_yuan_is_refused_with_a_message_never_an_arithmetic_error(text):
    with pytest.raises(ValidationError) as refused:
        parse_yuan(text)
    assert refused.value.code in ("invalid", "precision", "too_large", "required")
    assert refused.value.messages[0]


def test_the_refusals_say_what_is_wrong():
    for text, code in (("", "required"), ("NaN", "invalid"), ("1e999999", "invalid"), ("12.345", "precision"),
                       (TOO_MANY_DIGITS, "too_large")):
        with pytest.raises(ValidationError) as refused:
            parse_yuan(text)
        assert refused.value.code == code, text


def test_fen_are_shown_as_yuan_with_grouping_and_a_real_minus():
    assert format_yuan(123456) == "¥1,234.56" and format_yuan(-1200) == "−¥12.00" and format_yuan(5) == "¥0.05"
    assert format_yuan(None) == "" and format_yuan("abc") == "" and format_yuan(True) == ""
    assert yuan_plain(123456) == "1234.56" and yuan_plain(-5) == "-0.05" and yuan_plain(None) == ""
    assert format_signed_yuan(100) == "+¥1.00" and format_signed_yuan(0) == "¥0.00"


@pytest.mark.parametrize("text", ["abc", "1.005", "1e20", "12,34.5.6", "¥-", "1 2 3.4.5", "\u202e12", "12%"])
def test_more_text_that_is_no_amount_is_refused(text):
    with pytest.raises(ValidationError):
        parse_yuan(text)


def test_the_largest_amount_is_thirteen_digits_of_yuan_and_one_more_is_refused():
    largest = "9" * MAX_YUAN_DIGITS + ".99"
    assert parse_yuan(largest) == 10**15 - 1 and parse_yuan("-" + largest) == -(10**15 - 1)
    assert parse_yuan("0" * 40 + "1") == 100  # leading zeros are no size
    with pytest.raises(ValidationError) as refused:
        parse_yuan("1" + "0" * MAX_YUAN_DIGITS)
    assert refused.value.code == "too_large"


def test_zero_fen_is_shown_as_zero_yuan_everywhere():
    assert parse_yuan("0") == parse_yuan("0.00") == parse_yuan("-0.00") == 0
    assert format_yuan(0) == "¥0.00" and yuan_plain(0) == "0.00" and format_signed_yuan(0) == "¥0.00"
    assert yuan_decimal(0) == Decimal("0.00") and str(yuan_decimal(0)) == "0.00"


def test_thousands_are_grouped_on_screens_and_never_in_inputs_or_files():
    assert format_yuan(123456789012) == "¥1,234,567,890.12" and yuan_plain(123456789012) == "1234567890.12"
    assert format_yuan(99999) == "¥999.99" and format_yuan(100000) == "¥1,000.00"
    assert format_signed_yuan(-100000) == "−¥1,000.00" and format_signed_yuan(1) == "+¥0.01"


def test_fen_are_whole_numbers_of_fen_or_nothing():
    assert fen_of(12) == 12 and fen_of("12") == 12 and fen_of("-3") == -3
    for not_fen in (None, "", "1.5", True, False, 1.0, "abc", [1]):
        assert fen_of(not_fen) is None, not_fen
        assert yuan_plain(not_fen) == "" and format_yuan(not_fen) == "" and yuan_decimal(not_fen) is None


def test_fen_cross_over_to_decimal_yuan_exactly_and_back():
    for fen in (0, 1, -1, 5, 99, 100, 1250, 123456, -1200, 10**15 - 1, 10**30 + 1):
        assert yuan_decimal(fen).as_tuple().exponent == -2, fen
        assert fen_from_decimal(yuan_decimal(fen)) == fen, fen
    assert yuan_decimal(1250) == Decimal("12.50") and str(yuan_decimal(-5)) == "-0.05"


def test_oscar_decimal_prices_become_fen_and_floats_never_do():
    assert fen_from_decimal(Decimal("12.5")) == 1250 and fen_from_decimal(Decimal("0.00")) == 0
    assert fen_from_decimal(7) == 700 and fen_from_decimal(Decimal("-3.10")) == -310
    assert fen_from_decimal(Decimal("0.005")) == 0 and fen_from_decimal(Decimal("0.015")) == 2  # half to even
    for bad in (12.5, Decimal("NaN"), Decimal("Infinity"), Decimal("1E+99"), "12.50", True, None):
        with pytest.raises(ValueError):
            fen_from_decimal(bad)


def test_what_is_shown_reads_back_as_the_same_fen():
    for fen in (0, 1, 99, 100, 123456, -1200, 10**14 - 1):
        assert parse_yuan(format_yuan(fen)) == fen and parse_yuan(yuan_plain(fen)) == fen


def test_one_template_filter_library_formats_money_for_every_app():
    rendered = Template("{% load money %}{{ a|yuan }} {{ a|yuan_input }} {{ b|signed_yuan }}").render(
        Context({"a": 123456, "b": -5}))
    assert rendered == "¥1,234.56 1234.56 −¥0.05"


def test_the_form_field_cleans_to_fen_and_shows_fen_as_yuan():
    field = YuanField(min_fen=1)
    assert field.clean("12.5") == 1250 and field.prepare_value(1250) == "12.50"
    with pytest.raises(ValidationError, match=r"¥0\.01"):
        field.clean("0")
    assert YuanField(required=False).clean("") is None


# --- every money field of the project, through its form -------------------------------------------

def _agency_product():
    return ProductFactory()


def _service_item_form(data, department):
    return ServiceItemForm(data, departments=Department.objects.filter(pk=department.pk))


def _item_data(department, fee):
    return {"code": "MZ-009", "name": "测试事项", "department": department.pk, "category": "public_service",
            "lowest_level": "village", "legal_limit_days": "30", "promised_limit_days": "20", "fee_yuan": fee,
            "is_active": "on", "description": "", "form_schema": ""}


MONEY_FORMS = {
    "till payment amount": lambda amount, db: PaymentForm(
        {"idempotency_key": str(uuid.uuid4()), "account_number": "1", "amount": amount, "payment_method": "cash"},
        product=_agency_product(), methods=["cash"]),
    "float top-up amount": lambda amount, db: TopUpRequestForm(
        {"idempotency_key": str(uuid.uuid4()), "float_group": "utilities", "amount": amount}),
    "float warning threshold": lambda amount, db: ThresholdForm({"low_threshold": amount}),
    "daily close counted cash": lambda amount, db: CashCloseForm(
        {"idempotency_key": str(uuid.uuid4()), "counted": amount}),
    "township delivery fee": lambda amount, db: DeliveryFeeForm({"fee": amount, "active": "on"}),
}
FIELD_OF = {"till payment amount": "amount", "float top-up amount": "amount", "float warning threshold":
            "low_threshold", "daily close counted cash": "counted", "township delivery fee": "fee"}


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", MONEY_FORMS)
@pytest.mark.parametrize("amount", HOSTILE)
def test_every_yuan_form_field_refuses_hostile_amounts_beside_the_field(form_name, amount):
    form = MONEY_FORMS[form_name](amount, None)
    assert not form.is_valid()
    assert form.errors[FIELD_OF[form_name]]


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [*HOSTILE, TOO_MANY_DIGITS, "-1"])
def test_the_service_item_fee_refuses_hostile_amounts_beside_the_field(department, amount):
    form = _service_item_form(_item_data(department, amount), department)
    assert not form.is_valid() and form.errors["fee_yuan"]


@pytest.mark.django_db
def test_the_service_item_fee_takes_full_width_digits_and_minus_zero(department):
    for typed, fen in (("１２.５", 1250), ("-0", 0)):
        form = _service_item_form(_item_data(department, typed), department)
        assert form.is_valid(), form.errors
        assert form.service_fields()["fee_fen"] == fen


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [a for a in [*HOSTILE, TOO_MANY_DIGITS] if a not in ("1E5", "1_000", "٣")])
def test_the_merchants_stock_price_refuses_hostile_amounts_beside_the_field(amount):
    # Oscar's own form (Django's DecimalField, Decimal yuan): it reads 1E5, 1_000 and ٣ as numbers.
    StockRecordForm = get_class("dashboard.catalogue.forms", "StockRecordForm")
    ProductClass = get_model("catalogue", "ProductClass")
    product_class = ProductClass.objects.create(name="实物商品", track_stock=True)
    merchant = shop_factories.merchant()
    form = StockRecordForm(product_class, merchant.partner.users.get(), data={
        "partner": merchant.partner_id, "partner_sku": "SKU1", "price": amount, "num_in_stock": "1"})
    assert not form.is_valid() and form.errors["price"], form.errors


@pytest.mark.parametrize("amount", [*HOSTILE, TOO_MANY_DIGITS, "-1", "0", "10000000000"])
def test_a_product_import_price_refuses_hostile_amounts_with_a_message(amount):
    with pytest.raises(ValidationError) as refused:
        parse_price(amount)
    assert refused.value.messages[0]


def test_a_product_import_price_keeps_two_places():
    assert parse_price("１２.５") == Decimal("12.50") and str(parse_price("3")) == "3.00"


# --- and through a page each ------------------------------------------------------------------------

@pytest.fixture
def hostile():
    return ["1e999999", "NaN", "Infinity", "12.345", TOO_MANY_DIGITS, "9" * 5000]


@pytest.mark.django_db
def test_the_till_payment_page_refuses_hostile_amounts_and_records_nothing(client, operator, station, hostile):
    product = ProductFactory()
    fund(station, product.provider.float_group, 100_000)
    client.force_login(operator)
    for amount in hostile:
        response = client.post(reverse("agency:payment-create", args=[product.pk]), {
            "step": "review", "idempotency_key": str(uuid.uuid4()), "account_number": "1", "amount": amount,
            "payment_method": "cash"})
        assert response.status_code == 400 and "amount" in response.context["form"].errors, amount
    assert not CounterTransaction.objects.exists()


@pytest.mark.django_db
def test_the_top_up_page_refuses_hostile_amounts_and_records_nothing(client, operator, hostile):
    client.force_login(operator)
    for amount in hostile:
        response = client.post(reverse("agency:counter-floats"), {
            "idempotency_key": str(uuid.uuid4()), "float_group": "telecom", "amount": amount})
        assert response.status_code == 400 and "amount" in response.context["form"].errors, amount
    assert not FloatTopUpRequest.objects.exists()


@pytest.mark.django_db
def test_the_daily_close_page_refuses_hostile_amounts_and_records_nothing(client, operator, hostile):
    client.force_login(operator)
    for amount in hostile:
        response = client.post(reverse("agency:counter-close"), {
            "idempotency_key": str(uuid.uuid4()), "counted": amount, "explanation": "x"})
        assert response.status_code == 400 and "counted" in response.context["form"].errors, amount
    assert not DailyCashClose.objects.exists()


@pytest.mark.django_db
def test_the_threshold_page_refuses_hostile_amounts_and_keeps_the_threshold(client, county_admin, station, hostile):
    wallet = fund(station, "utilities", 100_000)
    before = wallet.low_threshold_fen
    client.force_login(county_admin)
    for amount in hostile:
        response = client.post(reverse("agency:wallet-threshold", args=[wallet.pk]), {"low_threshold": amount},
                               follow=True)
        assert response.status_code == 200, amount
        assert [m.level_tag for m in response.context["messages"]] == ["error"], amount
    wallet.refresh_from_db()
    assert wallet.low_threshold_fen == before


@pytest.mark.django_db
def test_the_delivery_fee_page_refuses_hostile_amounts_and_saves_nothing(client, county_admin, tree, hostile):
    client.force_login(county_admin)
    url = reverse("shop:county-delivery-fee-edit", args=[tree["townships"][0].pk])
    for amount in hostile:
        response = client.post(url, {"fee": amount, "active": "on"})
        assert response.status_code == 422 and response.context["form"].errors["fee"], amount
    assert not DeliveryFee.objects.exists()


@pytest.mark.django_db
def test_the_catalogue_item_page_refuses_hostile_fees_and_saves_nothing(client, county_admin, department, hostile):
    client.force_login(county_admin)
    for amount in hostile:
        data = {**_item_data(department, amount), "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0",
                "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000"}
        response = client.post(reverse("gov_services:service-item-create"), data)
        assert response.status_code == 200 and response.context["form"].errors["fee_yuan"], amount
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_the_product_import_page_refuses_hostile_prices_and_imports_nothing(client, hostile,
                                                                           django_capture_on_commit_callbacks):
    create_from_breadcrumbs("食品")
    merchant = shop_factories.merchant()
    client.force_login(merchant.partner.users.get())
    rows = "".join(f"SKU{n},鸡蛋{n},食品,{amount},5,\n" for n, amount in enumerate(hostile))
    upload = SimpleUploadedFile("goods.csv", ("商品编码,商品名称,分类,价格(元),库存,描述\n" + rows).encode(),
                                content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the import runs as a job at commit
        response = client.post(reverse("shop:merchant-product-import"), {"file": upload})
    report = client.get(response["Location"]).context["report"]
    assert report.bad_lines == [n + 2 for n in range(len(hostile))]
    assert not get_model("partner", "StockRecord").objects.exists()


@pytest.mark.django_db
def test_the_merchants_product_page_refuses_hostile_prices_and_keeps_the_price(client, hostile):
    from tests.core.sweep import post_forms

    merchant = shop_factories.merchant()
    product = shop_factories.product(merchant.partner, price="12.00")
    get_model("catalogue", "ProductCategory").objects.create(product=product, category=create_from_breadcrumbs("禽蛋"))
    client.force_login(merchant.partner.users.get())
    url = reverse("shop:merchant-product-edit", args=[product.pk])
    [form] = [f for f in post_forms(client.get(url).content.decode(), url) if "price" in f.fields]
    for amount in hostile:
        response = client.post(url, {**form.fields, "price": amount})
        assert response.status_code in (200, 422), amount
        assert response.context["form"].errors["price"], amount
    assert str(product.stockrecords.get().price) == "12.00"
