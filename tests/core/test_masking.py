"""The one masking policy (core/masking.py): what lists, receipts and exports show of personal data."""

import pytest

from core.masking import mask_bank_card, mask_id_number, mask_mobile, mask_name


@pytest.mark.parametrize(("value", "masked"), [
    ("11010519491231002X", "110105********002X"),
    ("440524188001010014", "440524********0014"),
    ("11010519491231002x", "110105********002X"),  # a lower-case x is shown as the upper-case it stands for
    ("１１０１０５１９４９１２３１００２Ｘ", "110105********002X"),  # typed full-width with a Chinese IME
    (" 110105 19491231 002X ", "110105********002X"),
])
def test_an_id_number_keeps_its_area_code_and_the_four_characters_after_the_birth_date(value, masked):
    assert mask_id_number(value) == masked


def test_an_old_fifteen_digit_id_number_keeps_its_area_code_and_last_three_and_hides_the_birth_date():
    assert mask_id_number("110105491231002") == "110105******002"


@pytest.mark.parametrize(("value", "masked"), [
    ("12345", "*****"),  # too short
    ("1101051949123100", "****************"),  # 16 characters: no ID number has them
    ("1101051949123100XX", "******************"),  # 18 characters, but not an ID number's shape
    ("11010519491231002X1", "*******************"),
    ("", ""),
    (None, ""),
])
def test_anything_that_is_not_an_id_number_is_masked_completely(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("13912345678", "139****5678"),
    ("+8613912345678", "139****5678"),
    ("+86 139 1234 5678", "139****5678"),
    ("0086-139-1234-5678", "139****5678"),
    ("8613912345678", "139****5678"),
    ("１３９１２３４５６７８", "139****5678"),
])
def test_a_mobile_number_keeps_its_first_three_and_last_four_whatever_prefix_it_was_written_with(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("0315-123", "********"),  # a landline
    ("03151234567", "***********"),  # eleven digits, but not a mobile number
    ("+85291234567", "************"),  # not a mainland number
    ("139123456", "*********"),
    ("", ""),
    (None, ""),
])
def test_anything_that_is_not_a_mainland_mobile_number_is_masked_completely(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("王建国", "王*国"), ("李明", "李*"), ("王", "王"), (" 张小明 ", "张*明"), ("", ""), (" ", ""), (None, ""),
    ("阿依古丽·买买提", "阿******提"),
])
def test_a_name_keeps_its_first_and_last_character(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("欧阳修", "欧*修"), ("欧阳秀英", "欧**英"), ("司马相如", "司**如"), ("诸葛亮", "诸*亮"),
])
def test_a_compound_surname_is_not_told_apart_only_its_first_character_is_kept(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("6217000010001234567", "6217 **** **** 4567"),
    ("6217 0000 1000 1234", "6217 **** **** 1234"),
    ("621700001", "*********"),
    ("", ""),
])
def test_a_bank_card_keeps_its_bank_and_last_four_digits(value, masked):
    assert mask_bank_card(value) == masked


@pytest.mark.parametrize(("number", "birth_date"), [("11010519491231002X", "19491231"), ("110105491231002", "491231")])
def test_the_birth_date_in_an_id_number_is_never_shown(number, birth_date):
    masked = mask_id_number(number)
    assert birth_date not in masked and len(masked) == len(number)
