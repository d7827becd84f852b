import pytest
from django.core.exceptions import ValidationError

from agency.account_numbers import (
    AccountRule,
    check_account_number,
    check_digit_for,
    luhn_valid,
    mod10_31_valid,
)

BANK = AccountRule(label="卡号", min_length=16, max_length=19, check_digit="luhn")
GRID = AccountRule(label="户号", min_length=10, max_length=10, check_digit="mod10_31")


@pytest.mark.parametrize(("number", "valid"), [("4111111111111111", True), ("4111111111111112", False),
                                               ("6222020200112233440", False), ("79927398713", True)])
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


def test_mod10_31_check_digit_round_trip():
    body = "300000001"
    digit = check_digit_for(body, "mod10_31")
    assert mod10_31_valid(body + digit)
    assert not mod10_31_valid(body + str((int(digit) + 1) % 10))


@pytest.mark.parametrize(("raw", "rule", "result"), [
    ("4111 1111 1111 1111", BANK, "4111111111111111"),
    ("4111-1111-1111-1111", BANK, "4111111111111111"),
    ("13812345678", AccountRule(label="手机号", min_length=11, max_length=11, check_digit="mobile"), "13812345678"),
])
def test_valid_numbers_are_normalised(raw, rule, result):
    assert check_account_number(raw, rule) == result


@pytest.mark.parametrize(("raw", "rule", "code"), [
    ("", GRID, "required"),
    ("12345", GRID, "length"),
    ("41111111111111111111", BANK, "length"),
    ("30000000A1", GRID, "digits"),
    ("3000000010", GRID, "check_digit"),
    ("4111111111111112", BANK, "check_digit"),
    ("12812345678", AccountRule(label="手机号", min_length=11, max_length=11, check_digit="mobile"), "mobile"),
])
def test_invalid_numbers_are_refused_with_a_reason(raw, rule, code):
    with pytest.raises(ValidationError) as error:
        check_account_number(raw, rule)
    assert error.value.code == code
